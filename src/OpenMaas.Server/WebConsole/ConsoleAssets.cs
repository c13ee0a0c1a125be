using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;

namespace OpenMaas.Server.WebConsole;

/// <summary>The console's CSS and JavaScript, embedded in the assembly (no CDN, no build step) and served under
/// <c>/assets</c> with a content hash in the URL so browsers may cache them for a year.</summary>
internal static class ConsoleAssets
{
    public const string RequestPath = "/assets";
    private static readonly ConcurrentDictionary<string, string> Versions = new(StringComparer.Ordinal);

    public static IFileProvider Files { get; } = new EmbeddedFileProvider(typeof(ConsoleAssets).Assembly, "OpenMaas.Server.WebConsole.Assets");

    /// <summary>The URL of an asset, e.g. <c>/assets/console.css?v=1a2b3c4d</c>.</summary>
    public static string Url(string file) => $"{RequestPath}/{file}?v={Versions.GetOrAdd(file, Hash)}";

    public static IApplicationBuilder UseConsoleAssets(this IApplicationBuilder app) => app.UseStaticFiles(new StaticFileOptions
    {
        RequestPath = RequestPath,
        FileProvider = Files,
        OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl =
            ctx.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache",
    });

    private static string Hash(string file)
    {
        var info = Files.GetFileInfo(file);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"No console asset '{file}'.");
        }

        using var stream = info.CreateReadStream();
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }
}
