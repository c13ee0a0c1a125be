using System.Net;
using Microsoft.Extensions.Localization;

namespace OpenMaas.Server.WebConsole;

/// <summary>A console page that ends with an error status and no body (403, 404, 400 from a failed antiforgery check)
/// gets a short page in the console's language; an <c>/api/…</c> answer that ends so (a body ASP.NET Core could not
/// bind, a method not allowed) gets ProblemDetails; /v1 and /api-inference write their own shapes before this runs.</summary>
internal static class ConsoleStatusPages
{
    public static IApplicationBuilder UseConsoleStatusPages(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var http = context.HttpContext;
        if (http.Request.Path.StartsWithSegments("/api") && http.Response.StatusCode >= 400)
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = http.Response.StatusCode, Detail = http.Response.StatusCode == 400 ? "The request body could not be read as this endpoint's JSON." : null },
            });
            return;
        }

        if (!Auth.ServerPaths.IsConsolePage(http.Request.Path) || http.Response.StatusCode is not (400 or 403 or 404 or 405 or 429 or >= 500))
        {
            return;
        }

        var l = http.RequestServices.GetRequiredService<IStringLocalizer<ConsoleText>>();
        var (title, message) = http.Response.StatusCode switch
        {
            403 => (l["Not allowed"], l["Only admins may open this page."]),
            404 or 405 => (l["Not found"], l["There is no such page."]),
            400 => (l["Bad request"], l["The form expired or was sent from another page. Go back, reload and try again."]),
            429 => (l["Too many requests"], l["Try again later."]),
            _ => (l["Something went wrong"], l["Try again later."]),
        };
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{ConsoleCultures.Current}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html(title)} · OpenMaaS</title><link rel="stylesheet" href="{ConsoleAssets.Url("console.css")}"></head>
            <body><header class="top"><div class="top-inner"><a class="brand" href="/" translate="no"><span class="logo" aria-hidden="true">M</span>OpenMaaS</a></div></header>
            <main id="main"><div class="panel form-narrow"><h1>{http.Response.StatusCode} · {Html(title)}</h1><p>{Html(message)}</p>
            <p><a class="button secondary" href="/">{Html(l["Back to the home page"])}</a></p></div></main></body></html>
            """);
    });

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
