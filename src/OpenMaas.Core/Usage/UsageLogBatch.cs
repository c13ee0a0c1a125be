using System.Data.Common;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Usage;

/// <summary>Writes one batch of usage records in one transaction (column names follow the EF model).</summary>
internal static class UsageLogBatch
{
    private const string Insert =
        "INSERT INTO usage_log (\"At\", \"Day\", \"UserId\", \"TokenId\", \"ModelId\", \"Protocol\", \"Endpoint\", \"Status\", \"LatencyMs\", \"TtftMs\", " +
        "\"PromptTokens\", \"CompletionTokens\", \"RequestId\", \"Counted\", \"OrganizationId\", \"Units\") " +
        "VALUES (@at, @day, @user, @token, @model, @protocol, @endpoint, @status, @latency, @ttft, @prompt, @completion, @request, @counted, @org, @units)";

    private const string Touch = "UPDATE access_tokens SET \"LastUsedAt\" = @at WHERE \"Id\" = @id";

    private static readonly string[] Names =
        ["@at", "@day", "@user", "@token", "@model", "@protocol", "@endpoint", "@status", "@latency", "@ttft", "@prompt", "@completion", "@request", "@counted", "@org", "@units"];

    public static async Task CommitAsync(DbConnection connection, IEnumerable<UsageRecord> records, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = Insert;
        var p = Names.ToDictionary(n => n, n => insert.Add(n));
        var lastUse = new Dictionary<long, DateTimeOffset>();
        foreach (var r in records)
        {
            p["@at"].Value = r.At;
            p["@day"].Value = r.Day;
            p["@user"].Value = r.UserId;
            p["@token"].Value = (object?)r.TokenId ?? DBNull.Value;
            p["@model"].Value = r.ModelId;
            p["@protocol"].Value = r.Protocol;
            p["@endpoint"].Value = r.Endpoint;
            p["@status"].Value = r.Status;
            p["@latency"].Value = r.LatencyMs;
            p["@ttft"].Value = (object?)r.TtftMs ?? DBNull.Value;
            p["@prompt"].Value = r.PromptTokens;
            p["@completion"].Value = r.CompletionTokens;
            p["@request"].Value = r.RequestId;
            p["@counted"].Value = r.Counted;
            p["@org"].Value = (object?)r.OrganizationId ?? DBNull.Value;
            p["@units"].Value = r.Units;
            await insert.ExecuteNonQueryAsync(ct);
            if (r.TokenId is { } tokenId)
            {
                lastUse[tokenId] = r.At;
            }
        }

        await using var touch = connection.CreateCommand();
        touch.Transaction = tx;
        touch.CommandText = Touch;
        var at = touch.Add("@at");
        var id = touch.Add("@id");
        foreach (var (tokenId, when) in lastUse)
        {
            at.Value = when;
            id.Value = tokenId;
            await touch.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}
