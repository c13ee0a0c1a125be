using System.Net;
using Microsoft.Playwright;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.WebConsole;

/// <summary>A token's model scope and daily cap, set on the tokens page (at creation and later), refused when wrong,
/// enforced on <c>/v1</c> and shown with today's use; admins see every user's tokens with their scopes.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ConsoleTokenScopeTests(ConsoleFixture server)
{
    [Fact]
    public async Task ScopeSetOnThePage_IsEnforcedOnV1_AndShownWithTodaysUse()
    {
        await server.CreateUserAsync("carol");
        var page = await server.OpenAsync("carol");

        // At creation: a bad pattern is refused on the page, and no token is made.
        await page.VisitAsync("/account/tokens");
        var rowsBefore = await page.Locator("[data-testid=tokens] tbody tr").CountAsync();
        await page.FillAsync("#description", "Bad scope");
        await page.FillAsync("#models", "stories260K");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("text=Create token"), r => r.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        Assert.Contains("'stories260K' is not a Model ID", await page.InnerTextAsync("[data-testid=token-error]"), StringComparison.Ordinal);
        await page.WaitReadyAsync();
        Assert.Equal("stories260K", await page.InputValueAsync("#models"));
        Assert.Equal(rowsBefore, await page.Locator("[data-testid=tokens] tbody tr").CountAsync());

        // At creation: a valid scope (an owner pattern and a cap of 2).
        await page.FillAsync("#description", "Scoped at birth");
        await page.FillAsync("#models", "acme/*");
        await page.FillAsync("#dailyCalls", "2");
        await page.ClickAsync("text=Create token");
        await page.WaitForSelectorAsync("[data-testid=token]");
        await page.VisitAsync("/account/tokens");
        var born = Row(page, "Scoped at birth");
        Assert.Equal("acme/*", (await born.Locator("[data-testid=scope-models]").InnerTextAsync()).Trim());
        Assert.Equal("2", (await born.Locator("[data-testid=scope-cap]").InnerTextAsync()).Trim());
        Assert.Equal("0", (await born.Locator("[data-testid=used-today]").InnerTextAsync()).Trim());

        // Later: an unrestricted token gets a scope through its row's form.
        await page.FillAsync("#description", "Scoped later");
        await page.ClickAsync("text=Create token");
        var token = (await page.TextContentAsync("[data-testid=token]"))!.Trim();
        await page.VisitAsync("/account/tokens");
        var row = Row(page, "Scoped later");
        Assert.Equal("All models", (await row.Locator("[data-testid=scope-models]").InnerTextAsync()).Trim());
        Assert.Equal("—", (await row.Locator("[data-testid=scope-cap]").InnerTextAsync()).Trim());

        // A negative cap is refused on the page (the browser's own min check taken off, as a hand-made post would).
        await row.Locator("details.scope-edit:not(.rotate-edit) summary").ClickAsync();
        await row.Locator("input[name=models]").FillAsync(ConsoleFixture.Copy);
        await row.Locator("input[name=dailyCalls]").EvaluateAsync("e => e.removeAttribute('min')");
        await row.Locator("input[name=dailyCalls]").FillAsync("-1");
        refused = await page.RunAndWaitForResponseAsync(() => row.Locator("form button[type=submit]").First.ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        Assert.Contains("The daily cap must be a whole number, 0 or more", await page.InnerTextAsync("[data-testid=token-error]"), StringComparison.Ordinal);
        row = Row(page, "Scoped later");
        Assert.Equal("All models", (await row.Locator("[data-testid=scope-models]").InnerTextAsync()).Trim());

        // The refused form opens again with what was typed; a valid cap saves the scope.
        Assert.Equal(ConsoleFixture.Copy, await row.Locator("input[name=models]").InputValueAsync());
        await row.Locator("input[name=dailyCalls]").FillAsync("3");
        await row.Locator("form button[type=submit]").First.ClickAsync();
        await page.WaitForSelectorAsync("text=saved.");

        using (var http = server.CreateClient(token))
        {
            using var other = await http.ChatAsync(TestAssets.StoriesId);
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.Equal("model_not_allowed", (await other.ErrorAsync()).Code);
            using var allowed = await http.ChatAsync(ConsoleFixture.Copy);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // The call is in the usage log once its record is committed (just after the response): reload until then.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        await page.VisitAsync("/account/tokens");
        while ((await Row(page, "Scoped later").Locator("[data-testid=used-today]").InnerTextAsync()).Trim() == "0" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250); // the poll's pace, not a wait for the condition
            await page.VisitAsync("/account/tokens");
        }

        row = Row(page, "Scoped later");
        Assert.Equal(ConsoleFixture.Copy, (await row.Locator("[data-testid=scope-models]").InnerTextAsync()).Trim());
        Assert.Equal("3", (await row.Locator("[data-testid=scope-cap]").InnerTextAsync()).Trim());
        Assert.Equal("1", (await row.Locator("[data-testid=used-today]").InnerTextAsync()).Trim());
        await page.Context.CloseAsync();

        // An admin sees every user's tokens, with their scopes.
        var admin = await server.OpenAsync("root");
        await admin.VisitAsync("/account/tokens?user=*");
        var seen = Row(admin, "Scoped later");
        Assert.Contains("carol", await seen.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(ConsoleFixture.Copy, (await seen.Locator("[data-testid=scope-models]").InnerTextAsync()).Trim());
        await admin.Context.CloseAsync();
    }

    private static ILocator Row(IPage page, string description) =>
        page.Locator("[data-testid=tokens] tbody tr", new PageLocatorOptions { HasText = description });
}
