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
        foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var suffix = $"{device}-{scheme.ToString().ToLowerInvariant()}";
                var anonymous = await server.OpenAsync(scheme: scheme, width: width, height: height);
                await ShootAsync(anonymous, "signin", "/signin", suffix);
                await anonymous.Context.CloseAsync();

                var page = await server.OpenAsync("shot", scheme: scheme, width: width, height: height);
                foreach (var (name, path) in Pages)
                {
                    await ShootAsync(page, name, path, suffix);
                }

                await page.VisitAsync("/account/tokens");
                await page.FillAsync("#description", "Cherry Studio");
                await page.ClickAsync("text=Create token");
                await page.WaitForPageAsync(url => url.Contains("/account/tokens/new/", StringComparison.Ordinal));
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.ScreenshotFolder, $"token-created-{suffix}.png") });
                await page.Context.CloseAsync();
            }
        }

        foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
        {
            var chinese = await server.OpenAsync("shot", locale: "zh-CN", width: width, height: height);
            await ShootAsync(chinese, "home-zh", "/", $"{device}-light");
            await ShootAsync(chinese, "model-zh", "/models/" + TestAssets.StoriesId, $"{device}-light");
            await ShootAsync(chinese, "usage-zh", "/account/usage", $"{device}-light");
            await chinese.Context.CloseAsync();
        }

        Assert.Equal(((Pages.Length + 2) * 4) + 6, Directory.GetFiles(server.ScreenshotFolder, "*.png").Length);
    }

    private async Task ShootAsync(IPage page, string name, string path, string suffix)
    {
        var response = await page.VisitAsync(path);
        Assert.Equal(200, response!.Status);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.ScreenshotFolder, $"{name}-{suffix}.png") });
    }
}
