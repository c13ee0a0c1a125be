using System.Globalization;
using OpenMaas.Server.Pipeline;

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
}
