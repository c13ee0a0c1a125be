using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace OpenMaas.Core.Storage;

/// <summary>
/// There are no migrations yet, and <c>EnsureCreated</c> leaves an existing database as it is: a data folder made by an
/// older OpenMaaS would fail later with "no such column". This finds every table and column the model needs that the
/// SQLite file lacks, so start-up can say so at once.
/// </summary>
internal static class SchemaCheck
{
    public static async Task<IReadOnlyList<string>> FindMissingAsync(OpenMaasDbContext db, CancellationToken ct)
    {
        var missing = new List<string>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            foreach (var entity in db.Model.GetEntityTypes())
            {
                if (entity.GetTableName() is not { } table)
                {
                    continue;
                }

                var existing = await ColumnsAsync(connection, table, ct);
                if (existing.Count == 0)
                {
                    missing.Add($"table {table}");
                    continue;
                }

                IEnumerable<string> needed = entity.IsMappedToJson()
                    ? [entity.GetContainerColumnName()!]
                    : entity.GetProperties().Select(p => p.GetColumnName(StoreObjectIdentifier.Table(table))).OfType<string>();
                missing.AddRange(needed.Where(c => !existing.Contains(c)).Select(c => $"{table}.{c}"));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return [.. missing.Distinct(StringComparer.Ordinal)];
    }

    private static async Task<HashSet<string>> ColumnsAsync(DbConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$table";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }
}
