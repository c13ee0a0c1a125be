using Microsoft.AspNetCore.Antiforgery;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>What every console JSON call checks first: the antiforgery header, and a JSON body.</summary>
internal static class ConsoleRequests
{
    public static async Task ValidateAsync(IAntiforgery antiforgery, HttpContext http)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            throw CallException.BadRequest("The page expired: reload it and run again.", code: "antiforgery");
        }

        if (!http.Request.HasJsonContentType())
        {
            throw CallException.UnsupportedMediaType(http.Request.ContentType ?? "(none)", "application/json");
        }
    }
}
