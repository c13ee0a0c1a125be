using System.Globalization;
using Microsoft.Playwright;
using OpenMaas.Tests.Upstream;

namespace OpenMaas.Tests.WebConsole;

/// <summary>An image model's prompt box in real Chromium, against the scripted image engine (real PNG bytes): the prompt
/// becomes an async task, the page polls it and shows the picture from its owner-only link, and the usage page lists
/// the task with a link to the image.</summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ConsoleImageTests(ConsoleFixture server)
{
    [Fact]
    public async Task PromptBox_ShowsThePicture_AndTheUsagePageListsTheTask()
    {
        var page = await server.OpenAsync("alice");
        await page.VisitAsync("/account/usage");
        var usedBefore = int.Parse(await page.TextContentAsync("[data-testid=used]") ?? "", CultureInfo.InvariantCulture);

        await page.VisitAsync("/models/" + ConsoleFixture.Painter);
        await page.FillAsync("#img-prompt", "A golden cat on a red chair");
        await page.SelectOptionAsync("#img-size", "512x512");
        var submitted = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#img-run"), r => r.Url.EndsWith("/console/images", StringComparison.Ordinal));
        Assert.Equal(200, submitted.Status);

        // The picture is on screen once the browser decoded it (the scripted engine's PNG is a 28×28 digit).
        await page.WaitForFunctionAsync("() => { const i = document.getElementById('img-output'); return i.complete && i.naturalWidth > 0; }");
        Assert.Equal(28, await page.EvalOnSelectorAsync<int>("#img-output", "i => i.naturalWidth"));
        Assert.True(await page.IsVisibleAsync("#img-output"));
        var taskId = await page.GetAttributeAsync("#image-form", "data-task");
        Assert.Matches("^[0-9a-f]{32}$", taskId);
        Assert.Contains("SUCCEED", await page.TextContentAsync("#img-status"), StringComparison.Ordinal);
        Assert.Equal("painter", server.Engine.LastJson.GetProperty("model").GetString());
        Assert.Equal("A golden cat on a red chair", server.Engine.LastJson.GetProperty("prompt").GetString());
        Assert.Equal("512x512", server.Engine.LastJson.GetProperty("size").GetString());

        await page.VisitAsync("/account/usage");
        Assert.Equal((usedBefore + 1).ToString(CultureInfo.InvariantCulture), await page.TextContentAsync("[data-testid=used]"));
        var row = page.Locator($"[data-testid=tasks] tr[data-task='{taskId}']");
        var text = await row.InnerTextAsync();
        Assert.Contains(ConsoleFixture.Painter, text, StringComparison.Ordinal);
        Assert.Contains("SUCCEED", text, StringComparison.Ordinal);
        var link = await row.Locator("[data-testid=task-image]").GetAttributeAsync("href");
        var image = await page.APIRequest.GetAsync(link!);
        Assert.Equal(200, image.Status);
        Assert.Equal(ScriptedMediaEngine.Png, await image.BodyAsync());
        await page.Context.CloseAsync();

        // Another user sees neither the task nor its image without the signed link.
        var bob = await server.OpenAsync("bob");
        Assert.Equal(404, (await bob.APIRequest.GetAsync("/console/tasks/" + taskId)).Status);
        Assert.Equal(404, (await bob.APIRequest.GetAsync(new Uri(link!).AbsolutePath)).Status);
        await bob.VisitAsync("/account/usage");
        Assert.Equal(0, await bob.Locator($"tr[data-task='{taskId}']").CountAsync());
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task InZhHans_ThePromptBoxSpeaksChinese()
    {
        var page = await server.OpenAsync("alice", locale: "zh-CN");
        await page.VisitAsync("/models/" + ConsoleFixture.Painter);

        Assert.Equal("生成", (await page.TextContentAsync("#img-run"))?.Trim());
        Assert.Equal("图片尺寸", (await page.TextContentAsync("label[for=img-size]"))?.Trim());
        await page.Context.CloseAsync();
    }
}
