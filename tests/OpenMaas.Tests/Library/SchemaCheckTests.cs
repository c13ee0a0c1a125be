using Microsoft.Data.Sqlite;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

[Trait("Category", "Slow")]
public sealed class SchemaCheckTests
{
    [Fact]
    public async Task ADatabaseFromAnOlderVersion_IsReportedWithWhatItLacks()
    {
        var data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "openmaas.db")};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE models (Id TEXT PRIMARY KEY, Task TEXT, FilePath TEXT)";
                await command.ExecuteNonQueryAsync();
            }

            var (rc, _, stderr) = await Cli.RunAsync(data, null, "model", "list");
            Assert.NotEqual(0, rc);
            Assert.Contains("was made by an older OpenMaaS", stderr);
            Assert.Contains("models.ApiInference", stderr);
            Assert.Contains("table model_likes", stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
