using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OpenMaas.Bench.WebConsole;

/// <summary>Server time per request: from the first middleware until the response is written, keyed by the
/// <c>X-Bench</c> request header (the scenario name).</summary>
internal sealed class ServerTimer : IStartupFilter
{
    public ConcurrentDictionary<string, ConcurrentBag<double>> Samples { get; } = new(StringComparer.Ordinal);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, RequestDelegate nextMiddleware) =>
        {
            var start = Stopwatch.GetTimestamp();
            await nextMiddleware(context);
            if (context.Request.Headers.TryGetValue("X-Bench", out var scenario))
            {
                Samples.GetOrAdd(scenario.ToString(), _ => []).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        });
        next(app);
    };
}
