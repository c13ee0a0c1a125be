using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Diagnostics;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Core.Storage;

/// <summary>The database answers a query.</summary>
internal sealed class DatabaseReadiness(DbConnections connections) : IReadinessCheck
{
    public string Name => "database";

    public async Task<string?> CheckAsync(CancellationToken ct)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            await using var connection = await connections.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(ct);
            OpenMaasMeter.DatabaseRoundTrip(started, "ping");
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return $"{connections.Provider}: {e.GetType().Name}";
        }
    }
}

/// <summary>The model store (the data folder's models) is there.</summary>
internal sealed class ModelStoreReadiness(IOptions<DataOptions> data) : IReadinessCheck
{
    public string Name => "model_store";

    public Task<string?> CheckAsync(CancellationToken ct) =>
        Task.FromResult(Directory.Exists(data.Value.FullPath) ? null : $"data folder {data.Value.FullPath} is missing");
}
