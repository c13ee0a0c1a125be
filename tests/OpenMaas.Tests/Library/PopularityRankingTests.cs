using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;
using static OpenMaas.Core.Library.PopularityRanking;

namespace OpenMaas.Tests.Library;

public sealed class PopularityRankingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly LibraryOptions TopTwo = new() { ApiInferenceTopN = 2, LikeWeight = 5 };

    private static Candidate Auto(string id, long likes = 0, long downloads = 0, int minute = 0, bool servable = true) =>
        new(id, servable, ApiInferenceMode.Auto, likes, downloads, T0.AddMinutes(minute));

    [Fact]
    public void Score_IsWeightedLikesPlusRecentDownloads() => Assert.Equal(17, Score(3, 2, new LibraryOptions { LikeWeight = 5 }));

    [Fact]
    public void Served_TakesTheTopNByScore_TiesToTheEarlierRegistered()
    {
        var served = Served([Auto("a", minute: 0), Auto("b", likes: 1, minute: 1), Auto("c", downloads: 6, minute: 2), Auto("d", minute: 3)], TopTwo);
        Assert.Equal(["b", "c"], served.Order());
        Assert.Equal(["a", "b"], Served([Auto("b", minute: 1), Auto("a", minute: 0), Auto("d", minute: 3)], TopTwo).Order());
    }

    [Fact]
    public void Served_HonoursPinsAndNeverServesWhatCannotRun()
    {
        Candidate[] models =
        [
            Auto("hot", likes: 100) with { Mode = ApiInferenceMode.Off },
            Auto("cold") with { Mode = ApiInferenceMode.On },
            Auto("broken", likes: 50, servable: false),
            Auto("x", likes: 1),
            Auto("y", likes: 2),
            Auto("z"),
        ];
        Assert.Equal(["cold", "x", "y"], Served(models, TopTwo).Order());
    }

    [Fact]
    public void Served_WithTopZero_ServesOnlyPinnedModels() =>
        Assert.Equal(["p"], Served([Auto("a", likes: 9), Auto("p") with { Mode = ApiInferenceMode.On }], new LibraryOptions { ApiInferenceTopN = 0 }));
}
