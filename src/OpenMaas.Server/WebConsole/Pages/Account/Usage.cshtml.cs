using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tasks;
using OpenMaas.Core.Tokens;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Protocols.AccountApi;
using OpenMaas.Server.Runtimes.Images;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Account;

/// <summary>Today against the limits, per model, 30 days as a chart, recent calls (filter, CSV). Admins may pass
/// <c>?user=NAME</c>.</summary>
internal sealed class UsageModel(
    IStringLocalizer<ConsoleText> text, IAccountService accounts, UsageReporter reporter, ITokenService tokens, RecentCalls recent,
    QuotaCalendar calendar, InferenceTaskStore tasks, ImageStore images) : ConsolePageModel(text)
{
    /// <summary>How many of the user's async tasks the page lists.</summary>
    public const int TaskRows = 20;

    /// <summary>The user's newest async tasks (images generated in ModelScope's async mode, the console's prompt box).</summary>
    public IReadOnlyList<InferenceTask> Tasks { get; private set; } = [];

    public UsageReport Report { get; private set; } = null!;

    public IHtmlContent Chart { get; private set; } = HtmlString.Empty;

    public IReadOnlyList<TokenInfo> Tokens { get; private set; } = [];

    public IReadOnlyList<UsageRecord> Calls { get; private set; } = [];

    public IReadOnlyList<string> ModelIds { get; private set; } = [];

    public string? UserName { get; private set; }

    public long? TokenFilter { get; private set; }

    public string? ModelFilter { get; private set; }

    public string CsvUrl => "/account/usage?handler=csv" + (UserName is null ? string.Empty : "&user=" + Uri.EscapeDataString(UserName))
        + (TokenFilter is { } t ? "&token=" + t.ToString(CultureInfo.InvariantCulture) : string.Empty)
        + (ModelFilter is { } m ? "&model=" + Uri.EscapeDataString(m) : string.Empty);

    public async Task<IActionResult> OnGetAsync(string? user, long? token, string? model, CancellationToken ct)
    {
        var target = await ConsoleAccess.ResolveAsync(User, user, accounts, ct);
        if (target.User is null)
        {
            return target.Error!.StatusCode == StatusCodes.Status403Forbidden ? Forbid() : NotFound();
        }

        UserName = user is { Length: > 0 } && target.User.Name != User.Identity?.Name ? target.User.Name : null;
        TokenFilter = token;
        ModelFilter = model is { Length: > 0 } ? model : null;
        Report = await reporter.BuildAsync(target.User, ct);
        var today = calendar.Today().Date;
        Chart = UsageChart.Render(
            UsageChart.Days(today, UsageReporter.HistoryDays, Report.Days.Select(d => (d.Date, d.Calls))),
            L["Calls per day, last 30 days"],
            L["{0}: {1} calls"]);
        Tokens = await tokens.ListAsync(target.User.Id, ct);
        Calls = await recent.ListAsync(new RecentCalls.Filter(target.User.Id, TokenFilter, ModelFilter), RecentCalls.PageRows, null, ct);
        Tasks = await tasks.RecentAsync(target.User.Id, TaskRows, ct);
        ModelIds = [.. Report.Models.Select(m => m.Id).Union(Calls.Select(c => c.ModelId)).Append(ModelFilter).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string? user, long? token, string? model, CancellationToken ct)
    {
        var target = await ConsoleAccess.ResolveAsync(User, user, accounts, ct);
        if (target.User is null)
        {
            return target.Error!.StatusCode == StatusCodes.Status403Forbidden ? Forbid() : NotFound();
        }

        var since = calendar.Today().Date.AddDays(1 - UsageReporter.HistoryDays);
        var rows = await recent.ListAsync(new RecentCalls.Filter(target.User.Id, token, model is { Length: > 0 } ? model : null), RecentCalls.CsvRows, since, ct);
        var prefixes = (await tokens.ListAsync(target.User.Id, ct)).ToDictionary(t => t.Id, t => t.Prefix);
        var csv = RecentCalls.ToCsv(rows, prefixes);
        return File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"openmaas-usage-{target.User.Name}-{calendar.Today().Date:yyyy-MM-dd}.csv");
    }

    /// <summary>Signed links to a succeeded task's images (they open for whoever views the page, until they expire).</summary>
    public IEnumerable<string> ImageLinks(InferenceTask task) =>
        task.Status == TaskStatuses.Succeeded ? (task.Outputs ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => images.Link(Request, n)) : [];

    public string TokenLabel(long? tokenId) =>
        tokenId is null ? L["console"] : Tokens.FirstOrDefault(t => t.Id == tokenId)?.Prefix ?? "#" + tokenId.Value.ToString(CultureInfo.InvariantCulture);
}
