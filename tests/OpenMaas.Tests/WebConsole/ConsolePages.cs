using Microsoft.Playwright;

namespace OpenMaas.Tests.WebConsole;

/// <summary>Waits for concrete conditions, never for the browser's load event or network idle: on a busy machine those
/// wait on fonts, images and the favicon, none of which a test looks at. console.js marks <c>html[data-ready]</c> once
/// the page is parsed and its scripts ran.</summary>
public static class ConsolePages
{
    public const string Ready = "html[data-ready]";

    /// <summary>Opens <paramref name="path"/> and waits until <paramref name="ready"/> is there (a bare status page,
    /// which has no script: pass <c>main</c>).</summary>
    public static async Task<IResponse?> VisitAsync(this IPage page, string path, string ready = Ready)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(ready, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        return response;
    }

    /// <summary>After an action that navigates: waits for the new page's URL and for it to be ready.</summary>
    public static async Task WaitForPageAsync(this IPage page, Func<string, bool> url)
    {
        await page.WaitForURLAsync(url, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(Ready, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>Waits for the current page to be ready (after a form post whose answer is already on screen).</summary>
    public static Task WaitReadyAsync(this IPage page) =>
        page.WaitForSelectorAsync(Ready, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    /// <summary>Goes back in history and waits for that page to be ready.</summary>
    public static async Task BackAsync(this IPage page)
    {
        await page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitReadyAsync();
    }

    /// <summary>Goes forward in history and waits for that page to be ready.</summary>
    public static async Task ForwardAsync(this IPage page)
    {
        await page.GoForwardAsync(new PageGoForwardOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitReadyAsync();
    }

    /// <summary>Reloads and waits for the page to be ready again.</summary>
    public static async Task RefreshAsync(this IPage page)
    {
        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitReadyAsync();
    }
}
