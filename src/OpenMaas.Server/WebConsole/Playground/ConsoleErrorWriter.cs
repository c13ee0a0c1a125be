using System.Globalization;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>The console's JSON surface writes pipeline errors as ProblemDetails (status, title, detail, code).</summary>
internal sealed class ConsoleErrorWriter : ISurfaceErrorWriter
{
    public static readonly ConsoleErrorWriter Instance = new();

    public async Task WriteAsync(HttpContext context, CallException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        if (error.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var extensions = new Dictionary<string, object?> { ["code"] = error.Code, ["param"] = error.Param, ["requestId"] = context.TraceIdentifier };
        await TypedResults.Problem(error.Message, statusCode: error.Status, extensions: extensions).ExecuteAsync(context);
    }

    /// <summary>The playground's stream ends with <c>{"error": message}</c>.</summary>
    public void WriteStreamError(SseWriter sse, CallException error, string requestId) =>
        sse.Data(new PlaygroundEvent { Error = error.Message }, PlaygroundEncoder.WriteEvent);
}
