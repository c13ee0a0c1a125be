using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Library;

/// <summary>
/// The API-Inference decision, as a pure function. Popularity score = <c>LikeWeight × likes + downloads in the last
/// RecentDownloadDays days</c> (each user counted at most once per model per day). Pinned <c>on</c> models are served
/// and pinned <c>off</c> ones are not; the servable <c>auto</c> models are ranked by score (ties: the earlier
/// registered first, then by ID) and the first <c>ApiInferenceTopN</c> are served. A model this server cannot run is
/// never served, whatever its mode. Pinned models do not take places of the top N.
/// </summary>
public static class PopularityRanking
{
    public sealed record Candidate(string Id, bool Servable, ApiInferenceMode Mode, long Likes, long RecentDownloads, DateTimeOffset CreatedAt);

    public static long Score(long likes, long recentDownloads, LibraryOptions options) => (options.LikeWeight * likes) + recentDownloads;

    public static IReadOnlySet<string> Served(IEnumerable<Candidate> candidates, LibraryOptions options)
    {
        var servable = candidates.Where(c => c.Servable).ToList();
        var served = servable.Where(c => c.Mode == ApiInferenceMode.On).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var ranked = servable.Where(c => c.Mode == ApiInferenceMode.Auto)
            .OrderByDescending(c => Score(c.Likes, c.RecentDownloads, options))
            .ThenBy(c => c.CreatedAt)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .Take(options.ApiInferenceTopN);
        served.UnionWith(ranked.Select(c => c.Id));
        return served;
    }
}
