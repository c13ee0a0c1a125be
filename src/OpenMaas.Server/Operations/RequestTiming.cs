using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace OpenMaas.Server.Operations;

/// <summary>When the request arrived and when OpenMaaS handed it to the model runtime (Stopwatch timestamps).</summary>
internal sealed class RequestTiming
{
    public long Arrived { get; } = Stopwatch.GetTimestamp();

    public long? HandedOff { get; private set; }

    /// <summary>The call pipeline's last step before the runtime: marks the hand-off (for <see cref="AddedTimeMiddleware"/>)
    /// and tags the request's metrics with the model.</summary>
    public static void HandOff(HttpContext http, string modelId)
    {
        if (http.Features.Get<RequestTiming>() is { } timing)
        {
            timing.HandedOff ??= Stopwatch.GetTimestamp();
        }

        http.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new("model", modelId));
    }
}
