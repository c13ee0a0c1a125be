using Microsoft.Data.Sqlite;

namespace OpenMaas.Core.Usage;

/// <summary>Writes one batch of usage records in one transaction (column names follow the EF model).</summary>
internal static class UsageLogBatch
{
    private const string Insert =
        "INSERT INTO usage_log (At, Day, UserId, TokenId, ModelId, Protocol, Endpoint, Status, LatencyMs, TtftMs, PromptTokens, CompletionTokens, RequestId, Counted) " +
        "VALUES ($at, $day, $user, $token, $model, $protocol, $endpoint, $status, $latency, $ttft, $prompt, $completion, $request, $counted)";

    private const string Touch = "UPDATE access_tokens SET LastUsedAt = $at WHERE Id = $id";

    public static void Commit(SqliteConnection connection, IEnumerable<UsageRecord> records)
    {
        using var tx = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = Insert;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$at", "$day", "$user", "$token", "$model", "$protocol", "$endpoint", "$status", "$latency", "$ttft", "$prompt", "$completion", "$request", "$counted" })
        {
            p[name] = insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        var lastUse = new Dictionary<long, DateTimeOffset>();
        foreach (var r in records)
        {
            p["$at"].Value = r.At;
            p["$day"].Value = r.Day;
            p["$user"].Value = r.UserId;
            p["$token"].Value = (object?)r.TokenId ?? DBNull.Value;
            p["$model"].Value = r.ModelId;
            p["$protocol"].Value = r.Protocol;
            p["$endpoint"].Value = r.Endpoint;
            p["$status"].Value = r.Status;
            p["$latency"].Value = r.LatencyMs;
            p["$ttft"].Value = (object?)r.TtftMs ?? DBNull.Value;
            p["$prompt"].Value = r.PromptTokens;
            p["$completion"].Value = r.CompletionTokens;
            p["$request"].Value = r.RequestId;
            p["$counted"].Value = r.Counted;
            insert.ExecuteNonQuery();
            if (r.TokenId is { } tokenId)
            {
                lastUse[tokenId] = r.At;
            }
        }

        using var touch = connection.CreateCommand();
        touch.Transaction = tx;
        touch.CommandText = Touch;
        var at = touch.Parameters.Add(new SqliteParameter { ParameterName = "$at" });
        var id = touch.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        foreach (var (tokenId, when) in lastUse)
        {
            at.Value = when;
            id.Value = tokenId;
            touch.ExecuteNonQuery();
        }

        tx.Commit();
    }
}
