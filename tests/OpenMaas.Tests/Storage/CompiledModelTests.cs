using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using OpenMaas.Core.Storage;

namespace OpenMaas.Tests.Storage;

/// <summary>The server runs on EF Core compiled models (Storage/CompiledModels, one per provider) instead of building
/// the model at start-up. Each must be the model <c>OnModelCreating</c> builds for its provider: a change to an entity
/// or a configuration without <c>tools/compiled-models</c> fails here (no database is opened).</summary>
public sealed class CompiledModelTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void TheCompiledModel_IsTheModelOnModelCreatingBuilds(DatabaseProvider provider)
    {
        using var compiled = Context(provider, compiledModel: true);
        using var built = Context(provider, compiledModel: false);
        Assert.IsAssignableFrom<RuntimeModel>(compiled.Model);
        Assert.NotSame(compiled.Model.GetType(), built.Model.GetType());

        var stale = $"the compiled {provider} model differs from the one OnModelCreating builds: run tools/compiled-models and commit its files";
        // The entity types, properties, keys, indexes and their annotations (column names and types, collations)...
        var expected = built.Model.ToDebugString(MetadataDebugStringOptions.LongDefault);
        var actual = compiled.Model.ToDebugString(MetadataDebugStringOptions.LongDefault);
        Assert.Contains("UsageRecord", expected, StringComparison.Ordinal);
        Assert.True(expected == actual, $"{stale}\n{FirstDifference(expected, actual)}");

        // ...and the tables, columns and indexes they map to (what the queries and the migrations use).
        expected = built.Model.GetRelationalModel().ToDebugString(MetadataDebugStringOptions.LongDefault);
        actual = compiled.Model.GetRelationalModel().ToDebugString(MetadataDebugStringOptions.LongDefault);
        Assert.Contains("usage", expected, StringComparison.OrdinalIgnoreCase);
        Assert.True(expected == actual, $"{stale}\n{FirstDifference(expected, actual)}");
    }

    private static OpenMaasDbContext Context(DatabaseProvider provider, bool compiledModel)
    {
        var options = new DbContextOptionsBuilder<OpenMaasDbContext>();
        if (compiledModel)
        {
            options.UseOpenMaasDatabase(new DatabaseTarget(provider, provider == DatabaseProvider.Postgres ? "Host=localhost;Database=compiled_model" : "Data Source=:memory:"));
        }
        else if (provider == DatabaseProvider.Postgres)
        {
            options.UseNpgsql("Host=localhost;Database=compiled_model");
        }
        else
        {
            options.UseSqlite("Data Source=:memory:");
        }

        return new OpenMaasDbContext(options.Options);
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var x = i < e.Length ? e[i] : "(end)";
            var y = i < a.Length ? a[i] : "(end)";
            if (x != y)
            {
                return $"line {i + 1}: built `{x.Trim()}`, compiled `{y.Trim()}`";
            }
        }

        return "";
    }
}
