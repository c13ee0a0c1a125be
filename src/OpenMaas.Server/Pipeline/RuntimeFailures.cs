using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The one translation of a runtime's failure into a call error — a model no runtime serves here, a model that cannot
/// load, and failures while running — for every kind of call (generation, embeddings, tasks)
/// and every runtime (llama.cpp, ONNX, an engine): busy → 503 <c>model_busy</c> with <c>Retry-After</c>; a prompt that
/// does not fit → 400 <c>context_length_exceeded</c>; a grammar llama.cpp refuses → 400 <c>unsupported_schema</c>; an engine's failure → its 4xx/502/503/504; a failed run → 500
/// <c>inference_failed</c>. Before the first byte the error is the response's status (and the call is refunded); after
/// it, the surface's error event.
/// </summary>
internal static class RuntimeFailures
{
    /// <summary>True for the failures a runtime reports by design (anything else is a bug: 500 <c>internal_error</c>).</summary>
    public static bool IsRuntimeFailure(Exception e) =>
        e is SchedulerFullException or InferenceException or PromptTooLongException or UpstreamException or OpenMaas.Inference.Grammar.UnsupportedSchemaException;

    /// <summary>400 <c>model_not_supported</c>: no runtime serves this model for this endpoint.</summary>
    public static CallException NotSupported(ModelRecord model) => new(
        StatusCodes.Status400BadRequest, CallErrorKind.InvalidRequest,
        $"Model '{model.Id}' ({model.Format}, task {model.Task}) cannot be served by this endpoint.", "model", "model_not_supported");

    /// <summary>500 <c>model_load_failed</c>: the model cannot be loaded (or has no engine) on this server.</summary>
    public static CallException LoadFailed(ModelRecord model) => new(
        StatusCodes.Status500InternalServerError, CallErrorKind.Server, $"Model '{model.Id}' could not be loaded on this server.", code: "model_load_failed");

    /// <summary>The call error for a runtime failure of model <paramref name="modelId"/>.</summary>
    public static CallException Translate(Exception e, string modelId) => e switch
    {
        SchedulerFullException busy => CallException.ModelBusy(busy.Message, busy.RetryAfter),
        PromptTooLongException tooLong => CallException.BadRequest(
            $"This model's maximum context length is {tooLong.ContextLength} tokens, but the prompt has {tooLong.PromptTokens} tokens (at least one more is needed to generate).",
            code: "context_length_exceeded"),
        UpstreamException upstream => EngineErrors.ToCallException(upstream, modelId),
        // The grammar made from the request's schema is one llama.cpp refuses (found when the sampler is made).
        OpenMaas.Inference.Grammar.UnsupportedSchemaException schema => CallException.BadRequest(schema.Message, "response_format", "unsupported_schema"),
        _ => CallException.InferenceFailed(),
    };
}
