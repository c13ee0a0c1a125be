using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Usage;

namespace OpenMaas.Server.WebConsole.Services;

/// <summary>One user's recent calls from the usage log (newest first), filtered by token and model, and as CSV.</summary>
internal sealed class RecentCalls(IDbContextFactory<OpenMaasDbContext> factory)
{
    public const int PageRows = 50;

    /// <summary>The CSV export's bound: the last 30 days, at most this many rows.</summary>
    public const int CsvRows = 50_000;

    public sealed record Filter(long UserId, long? TokenId, string? ModelId);

    public async Task<IReadOnlyList<UsageRecord>> ListAsync(Filter filter, int take, DateOnly? since, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Usage.AsNoTracking().Where(r => r.UserId == filter.UserId);
        if (filter.TokenId is { } token)
        {
            query = query.Where(r => r.TokenId == token);
        }

        if (filter.ModelId is { Length: > 0 } model)
        {
            query = query.Where(r => r.ModelId == model);
        }

        if (since is { } day)
        {
            query = query.Where(r => r.Day >= day);
        }

        return await query.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }

    public static string ToCsv(IEnumerable<UsageRecord> records, IReadOnlyDictionary<long, string> tokenPrefixes)
    {
        var csv = new StringBuilder("time_utc,day,model,endpoint,token,status,counted,latency_ms,ttft_ms,prompt_tokens,completion_tokens,request_id\n");
        foreach (var r in records)
        {
            var token = r.TokenId is { } t ? tokenPrefixes.GetValueOrDefault(t, t.ToString(CultureInfo.InvariantCulture)) : "console";
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.At.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ},{r.Day:yyyy-MM-dd},{Cell(r.ModelId)},{Cell(r.Endpoint)},{Cell(token)},{r.Status},{(r.Counted ? "yes" : "no")},{r.LatencyMs:0.#},{r.TtftMs:0.#},{r.PromptTokens},{r.CompletionTokens},{Cell(r.RequestId)}\n");
        }

        return csv.ToString();
    }

    // Quotes a cell when needed and defuses spreadsheet formulas (a cell starting with = + - @).
    private static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
