using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.WebConsole;

/// <summary>Organisations in the console, in Chromium: an admin creates one with an owner, the owner adds a member,
/// the member sees it listed (without the managing forms) and its private model, which another user never sees; a
/// refused form says why on the page; the owner deletes it.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ConsoleOrganizationTests(ConsoleFixture server)
{
    [Fact]
    public async Task AnAdminCreatesAnOrganisation_ItsOwnerAddsAMember_WhoSeesItListed()
    {
        await server.CreateUserAsync("gina");
        await server.CreateUserAsync("gus");

        var root = await server.OpenAsync("root");
        await root.VisitAsync("/orgs");
        await root.FillAsync("#name", "globex");
        await root.FillAsync("#displayName", "Globex Corporation");
        await root.FillAsync("#owner", "gina");
        await root.ClickAsync("text=Create organisation");
        await root.WaitForSelectorAsync("[data-member=gina]");
        Assert.Equal("Owner", (await root.InnerTextAsync("[data-member=gina] [data-testid=member-role]")).Trim());

        // The owner adds a member; a user that does not exist is refused on the page.
        var gina = await server.OpenAsync("gina");
        await gina.VisitAsync("/orgs/globex");
        await gina.FillAsync("#new-member", "nobody-here");
        await gina.ClickAsync("text=Add member");
        await gina.WaitForSelectorAsync("[data-testid=org-error]");
        Assert.Contains("nobody-here", await gina.InnerTextAsync("[data-testid=org-error]"), StringComparison.Ordinal);

        await gina.FillAsync("#new-member", "gus");
        await gina.SelectOptionAsync("#new-role", "member");
        await gina.ClickAsync("text=Add member");
        await gina.WaitForSelectorAsync("[data-member=gus]");
        Assert.Equal("Member", (await gina.InnerTextAsync("[data-member=gus] [data-testid=member-role]")).Trim());

        // The member sees the organisation in their list and its page, without the forms that manage it.
        var gus = await server.OpenAsync("gus");
        await gus.VisitAsync("/orgs");
        await gus.WaitForSelectorAsync("[data-org=globex]");
        Assert.Contains("Member", await gus.InnerTextAsync("[data-org=globex]"), StringComparison.Ordinal);
        await gus.ClickAsync("[data-org=globex] a");
        await gus.WaitForSelectorAsync("[data-member=gina]");
        Assert.Equal(0, await gus.Locator("#new-member").CountAsync());
        Assert.Equal(0, await gus.Locator("[data-testid=org-tokens]").CountAsync());

        // An admin makes the organisation's model private on its card: the member sees it marked, another user not at all.
        // (API-Inference off and removed at the end: the console tests share one library.)
        await server.RegisterModelAsync(TestAssets.StoriesGguf, "globex/plans", link: true, card: new ModelCardChange { ApiInferenceMode = ApiInferenceMode.Off });
        await root.VisitAsync("/admin/model?id=globex/plans");
        await root.CheckAsync("#private");
        await root.ClickAsync("main button[type=submit]");
        await root.WaitForSelectorAsync("[data-testid=private]");
        await gus.VisitAsync("/models/globex/plans");
        Assert.Contains("globex", await gus.InnerTextAsync("[data-testid=private]"), StringComparison.Ordinal);
        var bob = await server.OpenAsync("bob");
        var hidden = await bob.GotoAsync("/models/globex/plans");
        Assert.Equal(404, hidden!.Status);
        await server.Services.GetRequiredService<ModelRegistrar>().RemoveAsync("globex/plans", CancellationToken.None);

        // In Chinese too.
        var zh = await server.OpenAsync("gus", locale: "zh-CN");
        await zh.VisitAsync("/orgs");
        await zh.WaitForSelectorAsync("[data-org=globex]");
        Assert.Contains("成员", await zh.InnerTextAsync("[data-org=globex]"), StringComparison.Ordinal);

        // Only its owner (and system admins) may delete it; after confirming, it is gone for everyone.
        await gus.VisitAsync("/orgs/globex");
        Assert.Equal(0, await gus.Locator("[data-testid=org-delete]").CountAsync());
        await gina.VisitAsync("/orgs/globex");
        gina.Dialog += async (_, dialog) =>
        {
            Assert.Contains("globex", dialog.Message, StringComparison.Ordinal);
            await dialog.AcceptAsync();
        };
        await gina.ClickAsync("text=Delete globex");
        await gina.WaitForURLAsync("**/orgs");
        Assert.Equal(0, await gina.Locator("[data-org=globex]").CountAsync());
        var gone = await gus.GotoAsync("/orgs/globex");
        Assert.Equal(404, gone!.Status);
    }
}
