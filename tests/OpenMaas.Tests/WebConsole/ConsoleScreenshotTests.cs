using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.WebConsole;

/// <summary>A screenshot of every page at desktop and phone width (390 px), light and dark. Written to
/// <c>OPENMAAS_SCREENSHOTS</c> (docs/screenshots for the README) or a temp folder; every page must render with 200.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ConsoleScreenshotTests(ConsoleFixture server)
{
    private static readonly (string Name, string Path)[] Pages =
    [
        ("home", "/"),
        ("models", "/models"),
        ("model", "/models/" + TestAssets.StoriesId),
        ("tokens", "/account/tokens"),
        ("usage", "/account/usage"),
        ("admin-users", "/admin/users"),
        ("admin-models", "/admin/models"),
        ("admin-settings", "/admin/settings"),
    ];

    [Fact]
    public async Task EveryPage_RendersAtDesktopAndPhoneWidth_InLightAndDark()
    {
        var (shot, token) = await server.CreateUserAsync("shot", admin: true);
        await server.Services.GetRequiredService<ITokenService>().CreateAsync(
            shot.Id, "CI smoke tests", 90, new TokenScope { Models = [TestAssets.StoriesId, "acme/*"], DailyCalls = 100 });
        using (var api = server.CreateClient(token))
        {
            (await api.ChatAsync()).Dispose();
        }

        Directory.CreateDirectory(server.ScreenshotFolder);
        var started = DateTime.UtcNow.AddSeconds(-2); // file times are the same clock, at a coarser grain
        var shots = new List<(string Path, int Width)>();
        foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var suffix = $"{device}-{scheme.ToString().ToLowerInvariant()}";
                var anonymous = await server.OpenAsync(scheme: scheme, width: width, height: height);
                shots.Add((await ShootAsync(anonymous, "signin", "/signin", suffix), width));
                await anonymous.Context.CloseAsync();

                var page = await server.OpenAsync("shot", scheme: scheme, width: width, height: height);
                foreach (var (name, path) in Pages)
                {
                    shots.Add((await ShootAsync(page, name, path, suffix), width));
                }

                await page.VisitAsync("/account/tokens");
                await page.FillAsync("#description", "Cherry Studio");
                await page.ClickAsync("text=Create token");
                await page.WaitForPageAsync(url => url.Contains("/account/tokens/new/", StringComparison.Ordinal));
                var created = Path.Combine(server.ScreenshotFolder, $"token-created-{suffix}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = created });
                shots.Add((created, width));
                await page.Context.CloseAsync();
            }
        }

        foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
        {
            var chinese = await server.OpenAsync("shot", locale: "zh-CN", width: width, height: height);
            shots.Add((await ShootAsync(chinese, "home-zh", "/", $"{device}-light"), width));
            shots.Add((await ShootAsync(chinese, "model-zh", "/models/" + TestAssets.StoriesId, $"{device}-light"), width));
            shots.Add((await ShootAsync(chinese, "usage-zh", "/account/usage", $"{device}-light"), width));
            await chinese.Context.CloseAsync();
        }

        // Each shot is its own file, written by this run, a PNG as wide as its viewport; dark differs from light. (The
        // folder is not counted: pictures of an earlier run would make up for one this run failed to write.)
        Assert.Equal(((Pages.Length + 2) * 4) + 6, shots.Select(s => s.Path).Distinct().Count());
        foreach (var (path, width) in shots)
        {
            Assert.True(File.GetLastWriteTimeUtc(path) >= started, $"{path} was not written by this run");
            var png = File.ReadAllBytes(path);
            Assert.True(png.AsSpan().StartsWith(PngSignature), $"{path} is not a PNG");
            Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4))); // IHDR width
        }

        foreach (var light in shots.Select(s => s.Path).Where(p => p.EndsWith("-light.png", StringComparison.Ordinal) && !p.Contains("-zh-", StringComparison.Ordinal)))
        {
            var dark = light[..^"-light.png".Length] + "-dark.png";
            Assert.False(File.ReadAllBytes(light).AsSpan().SequenceEqual(File.ReadAllBytes(dark)), $"{light} and its dark twin are the same picture");
        }
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private async Task<string> ShootAsync(IPage page, string name, string path, string suffix)
    {
        var response = await page.VisitAsync(path);
        Assert.Equal(200, response!.Status);
        var file = Path.Combine(server.ScreenshotFolder, $"{name}-{suffix}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
        return file;
    }
}
