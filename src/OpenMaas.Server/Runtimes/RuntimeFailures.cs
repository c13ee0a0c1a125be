using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes;

/// <summary>What a runtime's failure of an admitted call answers: busy → 503 with <c>Retry-After</c>, a failed run →
/// 500 (both before the first byte, so the call is refunded).</summary>
internal static class RuntimeFailures
{
    public static CallException Translate(Exception e) => e is SchedulerFullException busy
        ? new CallException(StatusCodes.Status503ServiceUnavailable, CallErrorKind.Overloaded, busy.Message, code: "model_busy")
        {
            RetryAfterSeconds = Math.Max(1, (long)Math.Ceiling(busy.RetryAfter.TotalSeconds)),
        }
        : new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server, "The model failed while running.", code: "inference_failed");
}
