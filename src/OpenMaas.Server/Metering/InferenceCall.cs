using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Metering;

/// <summary>
/// The per-request record of one inference call, set as an HttpContext feature by the model resolution filter
/// (after the body is validated and the model found, i.e. before admission) and filled in by the handler.
/// The quota filter reads it to refund calls that failed before any output and to write the usage record.
/// </summary>
public sealed class InferenceCall
{
    public required ModelRecord Model { get; init; }

    /// <summary>The endpoint name: <c>chat.completions</c>, <c>completions</c>, …</summary>
    public required string Endpoint { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the first generated output left for the client; null while nothing was sent.</summary>
    public DateTimeOffset? FirstOutputAt { get; private set; }

    public int PromptTokens { get; private set; }

    public int CompletionTokens { get; private set; }

    public bool HasOutput => FirstOutputAt is not null;

    public void MarkFirstOutput(DateTimeOffset now) => FirstOutputAt ??= now;

    public void SetUsage(int promptTokens, int completionTokens)
    {
        PromptTokens = promptTokens;
        CompletionTokens = completionTokens;
    }
}
