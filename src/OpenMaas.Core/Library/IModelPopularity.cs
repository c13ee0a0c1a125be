namespace OpenMaas.Core.Library;

/// <summary>Likes and downloads: the community signals the API-Inference policy ranks by. Every change that moves a
/// count re-runs the policy before it returns.</summary>
public interface IModelPopularity
{
    /// <summary>Adds or removes the user's like; null when the model is unknown, else the model's like count.</summary>
    Task<long?> SetLikeAsync(string modelId, long userId, bool like, CancellationToken ct = default);

    Task<bool> HasLikedAsync(string modelId, long userId, CancellationToken ct = default);

    /// <summary>Counts a download by <paramref name="subject"/> unless it already downloaded the model today;
    /// true when it counted.</summary>
    Task<bool> RecordDownloadAsync(string modelId, string subject, CancellationToken ct = default);
}
