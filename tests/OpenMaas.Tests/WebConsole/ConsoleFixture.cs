using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Auth;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Upstream;

namespace OpenMaas.Tests.WebConsole;

/// <summary>
/// One server and one real Chromium (Debian's /usr/bin/chromium driven by Playwright; never a downloaded browser) shared
/// by every console test. Accounts: alice and bob (users), root (admin); models: stories260K served, a second copy served
/// and a third pinned off, and an image model <see cref="Painter"/> served by a <see cref="ScriptedMediaEngine"/>.
/// </summary>
public sealed class ConsoleFixture : ServerFixture
{
    public const string Unserved = "acme/stories-unserved";
    public const string Copy = "acme/stories-copy";
    public const string Painter = "acme/painter";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The scripted engine (real PNG answers) that serves <see cref="Painter"/>.</summary>
    public ScriptedMediaEngine Engine { get; private set; } = null!;

    protected override IEnumerable<string> Settings =>
    [
        $"Upstreams:Models:{Painter}:Task=text-to-image-synthesis",
        $"Upstreams:Models:{Painter}:Deployments:0:Url={Engine.V1}",
        $"Upstreams:Models:{Painter}:Deployments:0:UpstreamModel=painter",
    ];

    public override async Task InitializeAsync()
    {
        Engine = await ScriptedMediaEngine.StartAsync();
        await base.InitializeAsync();
    }

    /// <summary>Where screenshots go: <c>OPENMAAS_SCREENSHOTS</c> (e.g. docs/screenshots) or a temp folder, so a
    /// plain test run leaves the committed pictures alone.</summary>
    public string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("OPENMAAS_SCREENSHOTS") is { Length: > 0 } folder
        ? Path.GetFullPath(folder, TestAssets.RepoRoot)
        : Path.Combine(Path.GetTempPath(), "openmaas-screenshots");

    /// <summary>The sign-in throttle's clock: frozen, so a lock lasts until a test moves it (however slow the machine).</summary>
    public FakeTimeProvider ThrottleClock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton(new LoginThrottle(ThrottleClock));

    public static string ChromiumPath => Environment.GetEnvironmentVariable("OPENMAAS_CHROMIUM") ?? "/usr/bin/chromium";

    protected override async Task SeedAsync()
    {
        await CreateUserAsync("alice");
        await CreateUserAsync("bob");
        await CreateUserAsync("root", admin: true);
        await RegisterModelAsync(TestAssets.StoriesGguf, Copy, link: true);
        await RegisterModelAsync(TestAssets.StoriesGguf, Unserved, link: true);
        await Services.GetRequiredService<IModelCatalog>().UpdateAsync(Unserved, m => m.ApiInferenceMode = ApiInferenceMode.Off);

        (_playwright, Browser) = await LaunchChromiumAsync();
    }

    /// <summary>Playwright and the machine's Chromium (headless, no sandbox), as every browser test starts them.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchChromiumAsync()
    {
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    /// <summary>A fresh browser context (own cookies), signed in as <paramref name="user"/> through the sign-in form
    /// when given.</summary>
    public async Task<IPage> OpenAsync(string? user = null, string locale = "en-US", ColorScheme scheme = ColorScheme.Light, int width = 1280, int height = 800, bool clipboard = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString().TrimEnd('/'),
            Locale = locale,
            ColorScheme = scheme,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Permissions = clipboard ? ["clipboard-read", "clipboard-write"] : [],
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = locale },
        });
        // Generous: a busy 2-core machine (three engineers' builds and test runs) can take long to answer a page. Tests
        // wait for concrete conditions (ConsolePages), so a healthy run never waits this long.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        if (user is not null)
        {
            await page.VisitAsync("/signin");
            await page.FillAsync("#name", user);
            await page.FillAsync("#password", user + "-password");
            await page.ClickAsync("main button[type=submit]");
            try
            {
                await page.WaitForPageAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
            }
            catch (TimeoutException e)
            {
                throw new InvalidOperationException($"Signing in as {user} stayed on {page.Url}: {await page.InnerTextAsync("main")}", e);
            }
        }

        return page;
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Web console";
}
