using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Inference.Upstream;

/// <summary>Settings of the upstream runtime (section <c>Upstreams</c>): timeouts, health, load bounds, and models
/// whose deployments are configured here rather than with <c>openmaas model add-upstream</c>.</summary>
public sealed class UpstreamOptions : IValidatableObject
{
    public const string Section = "Upstreams";

    /// <summary>Most time to open a TCP connection to an engine.</summary>
    [Range(0.01, 600)]
    public double ConnectTimeoutSeconds { get; set; } = 2;

    /// <summary>Most time from sending a request to the first byte of its answer (non-streaming answers arrive whole,
    /// so this bounds a whole non-streamed generation).</summary>
    [Range(0.01, 3600)]
    public double FirstByteTimeoutSeconds { get; set; } = 120;

    /// <summary>Most time between two pieces of a streamed answer.</summary>
    [Range(0.01, 3600)]
    public double ChunkTimeoutSeconds { get; set; } = 30;

    /// <summary>Most time a streamed answer may last from its first byte to its end; an engine that streams on past it
    /// (an endless stream, keep-alives without an end) is cut off with an error event and ejected.</summary>
    [Range(0.01, 86400)]
    public double StreamTimeoutSeconds { get; set; } = 3600;

    /// <summary>Largest whole (non-streamed) answer read from an engine; beyond it the call fails with 502 and the
    /// deployment is ejected. Endpoints with their own bound (images, speech) use theirs.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxAnswerBytes { get; set; } = 64 << 20;

    /// <summary>Largest single event (or line) of a streamed answer; beyond it the stream ends with an error and the
    /// deployment is ejected, so an engine sending a huge chunk without a newline cannot grow the buffer without bound.</summary>
    [Range(1024, 1 << 30)]
    public int MaxEventBytes { get; set; } = 8 << 20;

    /// <summary>How often every deployment is probed (<c>GET {url}/models</c>) and the CLI's deployments re-read.</summary>
    [Range(0.05, 3600)]
    public double HealthCheckSeconds { get; set; } = 5;

    [Range(0.01, 600)]
    public double HealthTimeoutSeconds { get; set; } = 2;

    /// <summary>A deployment that failed a call (connect error, 5xx, timeout) gets no traffic for this long, and after
    /// that only once its health probe passes.</summary>
    [Range(0, 3600)]
    public double EjectSeconds { get; set; } = 10;

    /// <summary>Attempts per call (on different deployments) while nothing has reached the client.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Requests in flight per deployment; beyond it on every deployment the call is answered 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxOutstandingPerDeployment { get; set; } = 256;

    /// <summary>Models served by upstreams configured here, by Model ID (<c>owner/name</c>).</summary>
    public Dictionary<string, UpstreamModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (id, model) in Models)
        {
            if (id.Split('/').Length != 2)
            {
                yield return new ValidationResult($"Upstreams:Models: '{id}' is not a model ID (OWNER/NAME).");
            }

            if (model.Deployments.Count == 0)
            {
                yield return new ValidationResult($"Upstreams:Models:{id}: no Deployments.");
            }

            for (var i = 0; i < model.Deployments.Count; i++)
            {
                var d = model.Deployments[i];
                if (UpstreamUrl.Check(d.Url) is { } error)
                {
                    yield return new ValidationResult($"Upstreams:Models:{id}:Deployments:{i}:Url: {error}");
                }

                if (!UpstreamApis.IsKnown(d.Api))
                {
                    yield return new ValidationResult($"Upstreams:Models:{id}:Deployments:{i}:Api: '{d.Api}' is not an engine API ({UpstreamApis.OpenAI}, {UpstreamApis.Tei}).");
                }

                if (d.Weight is < 1 or > 1000)
                {
                    yield return new ValidationResult($"Upstreams:Models:{id}:Deployments:{i}:Weight must be 1..1000.");
                }
            }
        }
    }
}

/// <summary>A model served by upstream engines, configured in appsettings.</summary>
public sealed class UpstreamModelOptions
{
    public string Task { get; set; } = "text-generation";

    /// <summary>What the engine's model takes beyond text (tools, vision, audio, reasoning, structured_output), shown in
    /// /v1/models; null leaves the library's record as it is.</summary>
    public List<string>? Capabilities { get; set; }

    public List<UpstreamDeploymentOptions> Deployments { get; set; } = [];
}

public sealed class UpstreamDeploymentOptions
{
    /// <summary>The engine's OpenAI base URL, e.g. <c>http://gpu1:8000/v1</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>The engine's API key (vLLM <c>--api-key</c>); better given by environment, e.g.
    /// <c>OPENMAAS_Upstreams__Models__…__ApiKey</c>, than written in a file.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model name the engine knows; the Model ID when absent.</summary>
    public string? UpstreamModel { get; set; }

    public int Weight { get; set; } = 1;

    /// <summary>The API the engine speaks: <c>openai</c> (default) or <c>tei</c> (Text Embeddings Inference's rerank and
    /// health at its root), see <see cref="UpstreamApis"/>.</summary>
    public string Api { get; set; } = UpstreamApis.OpenAI;
}
