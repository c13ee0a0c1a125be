namespace OpenMaas.Core.Upstream;

/// <summary>The upstream deployments registered with the CLI (<c>openmaas model add-upstream</c>), in the database.</summary>
public interface IUpstreamStore
{
    /// <summary>Adds a deployment speaking <paramref name="api"/> (<c>openai</c> or <c>tei</c>); false when the model
    /// already has one with this URL and upstream model name.</summary>
    Task<bool> AddAsync(string modelId, Uri baseUrl, string upstreamModel, int weight, string? apiKey, string api, CancellationToken ct = default);

    /// <summary>Every deployment (of one model when <paramref name="modelId"/> is set), keys decrypted.</summary>
    Task<IReadOnlyList<StoredUpstream>> ListAsync(string? modelId = null, CancellationToken ct = default);

    /// <summary>Removes the model's deployments (only the one at <paramref name="baseUrl"/> when set); returns how many.</summary>
    Task<int> RemoveAsync(string modelId, Uri? baseUrl = null, CancellationToken ct = default);
}

/// <summary>A stored deployment with its key decrypted. Its <see cref="ToString"/> leaves the key out.</summary>
public sealed record StoredUpstream(string ModelId, Uri BaseUrl, string UpstreamModel, int Weight, string? ApiKey, string Api)
{
    public override string ToString() => $"{ModelId} at {BaseUrl} as {UpstreamModel} (API {Api}, weight {Weight}, key {(ApiKey is null ? "none" : "set")})";
}
