using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using OpenMaas.Server.Metering;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Operations;

/// <summary>While draining, an inference call is refused before admission (503): it costs no quota and the client retries elsewhere.</summary>
internal sealed class DrainFilter(ReadinessState state) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (state.Draining)
        {
            context.HttpContext.Response.Headers.Connection = "close";
            throw new OpenAIException(503, "This OpenMaaS node is shutting down; retry the call (another node will take it).",
                OpenAIErrorTypes.Server, code: "shutting_down") { RetryAfterSeconds = 1 };
        }

        return next(context);
    }
}

/// <summary>
/// The last step before the model runtime: marks when OpenMaaS handed the call over (for <see cref="AddedTimeMiddleware"/>)
/// and tags the request's metrics with the model.
/// </summary>
internal sealed class HandOffFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        http.Features.Get<RequestTiming>()?.HandOff();
        if (http.Features.Get<InferenceCall>() is { } call && http.Features.Get<IHttpMetricsTagsFeature>() is { } tags)
        {
            tags.Tags.Add(new("model", call.Model.Id));
        }

        return next(context);
    }
}

/// <summary>When the request arrived and when OpenMaaS handed it to the runtime (Stopwatch timestamps).</summary>
internal sealed class RequestTiming
{
    public long Arrived { get; } = Stopwatch.GetTimestamp();

    public long? HandedOff { get; private set; }

    public void HandOff() => HandedOff ??= Stopwatch.GetTimestamp();
}
