using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Audit;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas audit list [--since …] [--until …] [--actor …] [--action …] [--limit N] [--json]</c>: the audit
/// log, newest first, as a table or as one JSON object a line.</summary>
internal static class AuditCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create() => new("audit", "The audit log of administrative and security events")
    {
        List(),
    };

    private static Command List()
    {
        var since = new Option<string?>("--since") { Description = "From this time on: an ISO date/time (2026-12-01, 2026-12-01T08:00Z) or a span back from now (30m, 12h, 7d)" };
        var until = new Option<string?>("--until") { Description = "Before this time (same forms as --since)" };
        var actor = new Option<string?>("--actor") { Description = "Only events by this actor (an account name, 'cli' or 'system')" };
        var action = new Option<string?>("--action") { Description = "Only this action (token.rotate), or a prefix ending in * (token.*)" };
        var limit = new Option<int>("--limit") { Description = $"At most this many rows (1 to {AuditFilter.MaxPageSize})", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table" };
        var command = new Command("list", "List audit events, newest first") { since, until, actor, action, limit, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (!TryParseTime(parse.GetValue(since), now, out var from) || !TryParseTime(parse.GetValue(until), now, out var to))
            {
                await Console.Error.WriteLineAsync("--since/--until: expected an ISO date/time (2026-12-01T08:00Z) or a span back from now (30m, 12h, 7d).");
                return 2;
            }

            if (parse.GetValue(limit) is < 1 or > AuditFilter.MaxPageSize)
            {
                await Console.Error.WriteLineAsync($"--limit: 1 to {AuditFilter.MaxPageSize}.");
                return 2;
            }

            var page = await services.GetRequiredService<IAuditQueries>().ListAsync(new AuditFilter
            {
                Since = from, Until = to, Actor = parse.GetValue(actor), Action = parse.GetValue(action), PageSize = parse.GetValue(limit),
            }, ct);
            if (parse.GetValue(json))
            {
                foreach (var row in page.Items)
                {
                    Console.WriteLine(JsonSerializer.Serialize(row, Json));
                }

                return 0;
            }

            Console.WriteLine($"{"TIME (UTC)",-19} {"ACTOR",-16} {"ADDRESS",-15} {"ACTION",-18} {"TARGET",-28} CHANGE");
            foreach (var r in page.Items)
            {
                var target = r.TargetKind is null ? "-" : $"{r.TargetKind}:{r.TargetId}";
                var change = r.Before is null ? r.After ?? string.Empty : $"{r.Before} -> {r.After}";
                Console.WriteLine($"{r.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} {r.Actor,-16} {r.Address ?? "-",-15} {r.Action,-18} {target,-28} {change}");
            }

            await Console.Error.WriteLineAsync($"{page.Items.Count} of {page.Total} events.");
            return 0;
        });
        return command;
    }

    /// <summary>An absolute time (ISO 8601, UTC when no offset is given) or a span back from <paramref name="now"/>.</summary>
    internal static bool TryParseTime(string? text, DateTimeOffset now, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        if (text.Length > 1 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? back = text[^1] switch { 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => null };
            if (back is { } span)
            {
                time = now - span;
                return true;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            time = at;
            return true;
        }

        return false;
    }
}
