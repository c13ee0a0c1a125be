using Microsoft.Extensions.Configuration;
using Npgsql;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Storage;

namespace OpenMaas.Tests.Storage;

/// <summary>A node's PostgreSQL connections are bounded by <c>Database:MaxPoolSize</c> unless the connection string says otherwise.</summary>
public sealed class DatabaseTargetTests
{
    private static NpgsqlConnectionStringBuilder Postgres(string connectionString, DatabaseOptions? options = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Default", connectionString)]).Build();
        var target = DatabaseTarget.From(configuration, new DataOptions(), options ?? new DatabaseOptions());
        Assert.Equal(DatabaseProvider.Postgres, target.Provider);
        return new NpgsqlConnectionStringBuilder(target.ConnectionString);
    }

    [Fact]
    public void From_PostgresWithoutPoolSettings_TakesTheBoundAndTheWaitOfTheOptions()
    {
        var keyValue = Postgres("Host=db;Database=openmaas;Username=u", new DatabaseOptions { MaxPoolSize = 25, ConnectionWaitSeconds = 3 });
        var url = Postgres("postgres://u:p@db:5433/openmaas", new DatabaseOptions { MaxPoolSize = 25, ConnectionWaitSeconds = 3 });
        foreach (var b in new[] { keyValue, url })
        {
            Assert.Equal(25, b.MaxPoolSize);
            Assert.Equal(3, b.Timeout);
        }

        Assert.Equal(20, Postgres("Host=db;Database=openmaas").MaxPoolSize); // the default: 4 nodes fit a stock server
        Assert.Equal(5, Postgres("Host=db;Database=openmaas").Timeout);
    }

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=100;Timeout=15")]
    [InlineData("Host=db;Maximum Pool Size=100;timeout=15")]
    [InlineData("host=db;maxpoolsize=100;TIMEOUT=15")]
    public void From_PostgresWithItsOwnPoolSettings_KeepsThem(string connectionString)
    {
        var b = Postgres(connectionString, new DatabaseOptions { MaxPoolSize = 25, ConnectionWaitSeconds = 3 });
        Assert.Equal(100, b.MaxPoolSize);
        Assert.Equal(15, b.Timeout);
    }

    [Fact]
    public void From_SqliteIsLeftAlone()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Default", "Data Source=/tmp/x.db")]).Build();
        Assert.DoesNotContain("Pool Size", DatabaseTarget.From(configuration, new DataOptions(), new DatabaseOptions()).ConnectionString, StringComparison.OrdinalIgnoreCase);
    }
}
