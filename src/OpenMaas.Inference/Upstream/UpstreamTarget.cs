namespace OpenMaas.Inference.Upstream;

/// <summary>A deployment as the router uses it: where, under which name, how much traffic, and its key.</summary>
/// <param name="Source">Where it is configured: <c>db</c> (CLI) or <c>config</c> (appsettings).</param>
public sealed record UpstreamTarget(string ModelId, Uri BaseUrl, string UpstreamModel, int Weight, UpstreamApiKey? ApiKey, string Source)
{
    /// <summary>The API the engine speaks (<see cref="UpstreamApis"/>).</summary>
    public string Api { get; init; } = UpstreamApis.OpenAI;

    /// <summary>Identifies the deployment across reloads (so its health and load survive a refresh).</summary>
    public string Key => $"{ModelId} {BaseUrl} {UpstreamModel}";
}
