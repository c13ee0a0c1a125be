using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Audit;

namespace OpenMaas.Server.WebConsole.Pages.Admin;

/// <summary>The audit log: filters (from, to, actor, action), pages of 50, and the filtered rows as CSV.</summary>
internal sealed class AdminAuditModel(IStringLocalizer<ConsoleText> text, IAuditQueries audit) : ConsolePageModel(text)
{
    private const int PageSize = 50;
    private const int CsvRows = 10_000;

    public AuditPage Results { get; private set; } = new([], 0, 1, PageSize);

    public string? Since { get; private set; }

    public string? Until { get; private set; }

    public string? Actor { get; private set; }

    public string? Action { get; private set; }

    public int Pages => Math.Max(1, (Results.Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(string? since, string? until, string? actor, string? action, int? page, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Results = await audit.ListAsync(Filter(since, until, actor, action) with { Page = Math.Max(1, page ?? 1), PageSize = PageSize }, ct);
    }

    /// <summary>The filtered rows (newest first, at most 10,000) as CSV.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? since, string? until, string? actor, string? action, CancellationToken ct)
    {
        var rows = await audit.ListAsync(Filter(since, until, actor, action) with { PageSize = CsvRows }, ct);
        var csv = new StringBuilder("time_utc,actor_id,actor,address,action,target_kind,target_id,before,after\r\n");
        foreach (var r in rows.Items)
        {
            csv.AppendJoin(',', new[]
            {
                r.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), r.ActorId?.ToString(CultureInfo.InvariantCulture),
                r.Actor, r.Address, r.Action, r.TargetKind, r.TargetId, r.Before, r.After,
            }.Select(Cell)).Append("\r\n");
        }

        Response.Headers.CacheControl = "no-store";
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "openmaas-audit.csv");
    }

    /// <summary>The query string of the current filters, for the page links and the CSV link.</summary>
    public string Query(int? page = null)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("since", Since);
        Add("until", Until);
        Add("actor", Actor);
        Add("action", Action);
        Add("page", page?.ToString(CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }

    private AuditFilter Filter(string? since, string? until, string? actor, string? action)
    {
        (Since, Until, Actor, Action) = (since, until, actor?.Trim(), action?.Trim());
        return new AuditFilter { Since = Day(since, 0), Until = Day(until, 1), Actor = Actor, Action = Action };
    }

    /// <summary>A date from the form's date field (UTC), the day after it for "until" (inclusive of that day).</summary>
    private static DateTimeOffset? Day(string? text, int plusDays) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.AddDays(plusDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : null;

    /// <summary>One CSV cell: quoted when it needs to be, and never read as a formula by a spreadsheet.</summary>
    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
