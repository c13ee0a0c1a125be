using System.Diagnostics;
using System.Globalization;

namespace OpenMaas.Server.Operations;

/// <summary>
/// <c>x-openmaas-added-ms</c> on every response: the milliseconds OpenMaaS itself spent on the request — for an
/// inference call, from arrival until the call was handed to the model runtime (authentication, validation, model
/// resolution, quota admission); for anything else, until the response started.
/// </summary>
internal sealed class AddedTimeMiddleware(RequestDelegate next)
{
    public const string Header = "x-openmaas-added-ms";

    public Task InvokeAsync(HttpContext context)
    {
        var timing = new RequestTiming();
        context.Features.Set(timing);
        // The context is the state (no tuple boxed per request); the timing is found again among its features.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            if (http.Features.Get<RequestTiming>() is not { } timing)
            {
                return Task.CompletedTask;
            }

            var end = timing.HandedOff ?? Stopwatch.GetTimestamp();
            http.Response.Headers[Header] = Stopwatch.GetElapsedTime(timing.Arrived, end).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
