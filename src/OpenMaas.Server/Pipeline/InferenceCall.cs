using System.Security.Claims;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The per-request record of one inference call, made by the <see cref="CallPipeline"/> once the model is resolved
/// (before any authorizer, preparation or admission) and filled in while the call runs. Admission reads it to refund a
/// call that failed before any output and to write the usage record. Also set as an HttpContext feature.
/// </summary>
public sealed class InferenceCall
{
    /// <summary>Who calls: the token's user (no claims when authentication is off).</summary>
    public required ClaimsPrincipal Caller { get; init; }

    /// <summary>The resolved model.</summary>
    public required ModelRecord Model { get; init; }

    /// <summary>The surface and endpoint: <c>openai</c> / <c>chat.completions</c>, …</summary>
    public required CallEndpoint Endpoint { get; init; }

    /// <summary>When the pipeline started the call (after the body was read).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the first generated output left for the client; null while nothing was sent.</summary>
    public DateTimeOffset? FirstOutputAt { get; private set; }

    /// <summary>Prompt tokens, once known.</summary>
    public int PromptTokens { get; private set; }

    /// <summary>Completion tokens, once known.</summary>
    public int CompletionTokens { get; private set; }

    /// <summary>True once any output was sent (a failure after that is not refunded).</summary>
    public bool HasOutput => FirstOutputAt is not null;

    /// <summary>Records the time of the first output (later calls keep the first).</summary>
    public void MarkFirstOutput(DateTimeOffset now) => FirstOutputAt ??= now;

    /// <summary>Records the token counts for the usage log.</summary>
    public void SetUsage(int promptTokens, int completionTokens)
    {
        PromptTokens = promptTokens;
        CompletionTokens = completionTokens;
    }
}
