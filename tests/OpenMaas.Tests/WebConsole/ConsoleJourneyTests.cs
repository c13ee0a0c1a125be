using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenMaas.Core.Catalog;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.WebConsole;

/// <summary>The ModelScope journey in a real browser: token shown once and working with the openai npm client, usage
/// going down by one, the API-Inference filter, copying a Model ID, admin pages closed to users, antiforgery.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ConsoleJourneyTests(ConsoleFixture server)
{
    [Fact]
    public async Task NewToken_IsShownOnce_WorksWithTheOpenAINpmClient_AndUsageCountsTheCall()
    {
        var page = await server.OpenAsync("alice");
        await page.VisitAsync("/account/usage");
        var remainingBefore = int.Parse(await page.TextContentAsync("[data-testid=remaining]") ?? "", System.Globalization.CultureInfo.InvariantCulture);
        var usedBefore = int.Parse(await page.TextContentAsync("[data-testid=used]") ?? "", System.Globalization.CultureInfo.InvariantCulture);

        await page.VisitAsync("/account/tokens");
        await page.FillAsync("#description", "Cherry Studio");
        var shown = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("text=Create token"), r => r.Url.Contains("/account/tokens/new/", StringComparison.Ordinal));
        Assert.Contains("no-store", await shown.HeaderValueAsync("cache-control"), StringComparison.Ordinal);
        var token = (await page.TextContentAsync("[data-testid=token]"))!.Trim();
        Assert.Matches("^ms-[A-Za-z0-9_-]{32}$", token);
        await page.WaitReadyAsync();
        Assert.Contains("only this once", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        await page.RefreshAsync();
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains("cannot be shown again", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.BackAsync();
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains("Cherry Studio", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ForwardAsync();
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);

        var (exit, output) = await Node.RunAsync("console-call.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = server.V1.ToString().TrimEnd('/'),
            ["API_KEY"] = token,
            ["MODEL"] = TestAssets.StoriesId,
        });
        Assert.True(exit == 0, output);
        Assert.Contains("REPLY " + TestAssets.StoriesGreedy40, output, StringComparison.Ordinal);

        await page.VisitAsync("/account/usage");
        Assert.Equal((usedBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("[data-testid=used]"));
        Assert.Equal((remainingBefore - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("[data-testid=remaining]"));
        var calls = await page.InnerTextAsync("[data-testid=recent-calls]");
        Assert.Contains(TestAssets.StoriesId, calls, StringComparison.Ordinal);
        Assert.Contains(token[..11], calls, StringComparison.Ordinal);

        var csv = await page.APIRequest.GetAsync("/account/usage?handler=csv");
        Assert.Equal(200, csv.Status);
        var rows = (await csv.TextAsync()).Split('\n');
        Assert.StartsWith("time_utc,day,model,endpoint,token,status,counted", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Contains($",{TestAssets.StoriesId},", StringComparison.Ordinal) && r.Contains($",{token[..11]},200,yes,", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Playground_StreamsTheGreedyStory_AsTheSignedInUsersCall()
    {
        var page = await server.OpenAsync("alice");
        await page.VisitAsync("/account/usage");
        var usedBefore = int.Parse(await page.TextContentAsync("[data-testid=used]") ?? "", System.Globalization.CultureInfo.InvariantCulture);

        await page.VisitAsync("/models/" + TestAssets.StoriesId);
        await page.FillAsync("#pg-prompt", "Once upon a time");
        await page.FillAsync("#pg-temperature", "0");
        await page.FillAsync("#pg-max-tokens", "40");
        var stream = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#pg-run"), r => r.Url.EndsWith("/console/playground", StringComparison.Ordinal));
        Assert.Equal(200, stream.Status);
        Assert.StartsWith("text/event-stream", await stream.HeaderValueAsync("content-type"), StringComparison.Ordinal);
        await page.WaitForSelectorAsync("#pg-output[data-finished]");
        Assert.Equal(TestAssets.StoriesGreedy40, await page.TextContentAsync("#pg-output"));
        Assert.Equal("length", await page.GetAttributeAsync("#pg-output", "data-finished"));
        Assert.Contains("5 prompt + 40 completion tokens", await page.TextContentAsync("#pg-status"), StringComparison.Ordinal);

        await page.VisitAsync("/account/usage");
        Assert.Equal((usedBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("[data-testid=used]"));
        var newest = await page.InnerTextAsync("[data-testid=recent-calls] tbody tr:first-child");
        Assert.Contains(TestAssets.StoriesId, newest, StringComparison.Ordinal);
        Assert.Contains("console", newest, StringComparison.Ordinal);

        // Without the page's antiforgery token the same call is refused before it costs anything.
        var forged = await page.APIRequest.PostAsync("/console/playground", new APIRequestContextOptions
        {
            DataObject = new { model = TestAssets.StoriesId, prompt = "Once upon a time", temperature = 0, max_tokens = 4 },
        });
        Assert.Equal(400, forged.Status);
        await page.VisitAsync("/account/usage");
        Assert.Equal((usedBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("[data-testid=used]"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ModelWithoutApiInference_SaysSo_InsteadOfAPlayground()
    {
        var page = await server.OpenAsync("alice");
        await page.VisitAsync("/models/" + ConsoleFixture.Unserved);
        Assert.Contains("API-Inference is off for this model", await page.InnerTextAsync("[data-testid=no-playground]"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#playground-form").CountAsync());
        Assert.Equal(0, await page.Locator("#pg-run").CountAsync());

        // The playground's endpoint refuses it too (the pipeline's API-Inference check), before it costs anything.
        await page.VisitAsync("/models/" + TestAssets.StoriesId);
        var csrf = await page.GetAttributeAsync("#playground-form input[name=__csrf]", "value");
        var refused = await page.APIRequest.PostAsync("/console/playground", new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = csrf! },
            DataObject = new { model = ConsoleFixture.Unserved, prompt = "Once upon a time", temperature = 0, max_tokens = 4 },
        });
        Assert.InRange(refused.Status, 400, 499);
        Assert.StartsWith("application/problem+json", refused.Headers["content-type"], StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ApiInferenceFilter_ShowsExactlyTheServedModels()
    {
        var page = await server.OpenAsync();
        await page.VisitAsync("/models");
        await page.CheckAsync("input[name=api_inference]");
        await page.ClickAsync("text=Apply");
        await page.WaitForPageAsync(url => url.Contains("api_inference=true", StringComparison.Ordinal));
        Assert.Contains("api_inference=true", page.Url, StringComparison.Ordinal);

        var shown = (await page.Locator("[data-testid=model-grid] .card .id").AllTextContentsAsync()).Select(t => t.Trim()).Order(StringComparer.Ordinal).ToList();
        var served = (await server.Services.GetRequiredService<IModelCatalog>().ListServedAsync()).Select(m => m.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(served, shown);
        Assert.DoesNotContain(ConsoleFixture.Unserved, shown);

        await page.BackAsync();
        var all = await page.Locator("[data-testid=model-grid] .card .id").AllTextContentsAsync();
        Assert.Contains(ConsoleFixture.Unserved, all.Select(t => t.Trim()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CopyModelId_PutsTheExactIdOnTheClipboard()
    {
        var page = await server.OpenAsync(clipboard: true);
        await page.VisitAsync("/models/" + TestAssets.StoriesId);
        await page.ClickAsync("[data-testid=copy-model-id]");
        await page.WaitForFunctionAsync("async () => (await navigator.clipboard.readText()).length > 0");
        Assert.Equal(TestAssets.StoriesId, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/admin/users")]
    [InlineData("/admin/models")]
    [InlineData("/admin/settings")]
    public async Task AdminPages_Answer403ToUsers_And200ToAdmins(string path)
    {
        var user = await server.OpenAsync("bob");
        var denied = await user.VisitAsync(path, ready: "main"); // a bare status page: no script
        Assert.Equal(403, denied!.Status);
        Assert.Contains("Only admins", await user.InnerTextAsync("main"), StringComparison.Ordinal);
        await user.Context.CloseAsync();

        var admin = await server.OpenAsync("root");
        Assert.Equal(200, (await admin.VisitAsync(path))!.Status);
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task FormPostWithoutTheAntiforgeryToken_IsRejected()
    {
        var page = await server.OpenAsync("bob");
        await page.VisitAsync("/account/tokens");
        var before = await page.Locator("tbody tr").CountAsync();

        var forged = await page.APIRequest.PostAsync("/account/tokens?handler=Create", new APIRequestContextOptions
        {
            Form = MakeForm(page, ("description", "forged")),
            MaxRedirects = 0,
        });
        Assert.Equal(400, forged.Status);
        var signOut = await page.APIRequest.PostAsync("/signout", new APIRequestContextOptions { Form = MakeForm(page), MaxRedirects = 0 });
        Assert.Equal(400, signOut.Status);

        var csrf = await page.GetAttributeAsync("form[action*=Create] input[name=__csrf]", "value");
        var real = await page.APIRequest.PostAsync("/account/tokens?handler=Create", new APIRequestContextOptions
        {
            Form = MakeForm(page, ("description", "with token"), ("__csrf", csrf!)),
            MaxRedirects = 0,
        });
        Assert.Equal(302, real.Status);

        await page.RefreshAsync();
        Assert.Equal(before + 1, await page.Locator("tbody tr").CountAsync());
        Assert.DoesNotContain("forged", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ChineseUi_HasNoEnglishLeftovers()
    {
        var page = await server.OpenAsync("root", locale: "zh-CN");
        var accounts = (await server.Services.GetRequiredService<OpenMaas.Core.Accounts.IAccountService>().ListAsync()).Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        string[] pages =
        [
            "/", "/models", "/models/" + TestAssets.StoriesId, "/account/tokens", "/account/usage", "/account/password",
            "/admin/users", "/admin/models", "/admin/settings", "/admin/model?id=" + TestAssets.StoriesId,
        ];
        foreach (var path in pages)
        {
            await page.VisitAsync(path);
            Assert.Equal("zh-Hans", await page.GetAttributeAsync("html", "lang"));
            var leftovers = EnglishWords(await page.EvaluateAsync<string>(VisibleText)).Where(w => !accounts.Contains(w)).ToList();
            Assert.True(leftovers.Count == 0, $"{path}: {string.Join(", ", leftovers)}");
        }

        await page.Context.CloseAsync();
        var anonymous = await server.OpenAsync(locale: "zh-CN");
        await anonymous.VisitAsync("/signin");
        Assert.Empty(EnglishWords(await anonymous.EvaluateAsync<string>(VisibleText)));
        await anonymous.Context.CloseAsync();
    }

    /// <summary>The text a reader sees (and the labels a screen reader reads), minus what is not to be translated:
    /// model IDs and names, code, user content (marked translate="no").</summary>
    private const string VisibleText = """
        () => {
          const body = document.body.cloneNode(true);
          body.querySelectorAll('[translate=no], code, pre, script, style, noscript').forEach(e => e.remove());
          const attributes = [...body.querySelectorAll('[title], [aria-label], [placeholder], [data-confirm], [data-copied]')]
            .flatMap(e => ['title', 'aria-label', 'placeholder', 'data-confirm', 'data-copied'].map(a => e.getAttribute(a) || ''));
          return body.textContent + ' ' + attributes.join(' ');
        }
        """;

    // Product and protocol names stay as they are in the Chinese UI (as ModelScope's own Chinese console does).
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "OpenMaaS", "API", "Inference", "OpenAI", "CSV", "README", "Markdown", "SHA", "ID", "Cherry", "Studio", "Bearer",
        "Authorization", "ms", "English", "openmaas", "model", "add", "auto", "on", "off", "curl", "Python", "openai", "NET",
        "JavaScript", "MiB", "KiB", "GiB", "UTC", "Asia", "Shanghai", "v1", "M", "ml", "RPM", "TPM", "token",
    };

    private static List<string> EnglishWords(string text) =>
        [.. Regex.Matches(Regex.Replace(text, "ms-[A-Za-z0-9_-]+|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", " "), "[A-Za-z][A-Za-z0-9]+").Select(m => m.Value).Where(w => !Names.Contains(w)).Distinct()];

    private static IFormData MakeForm(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }
}
