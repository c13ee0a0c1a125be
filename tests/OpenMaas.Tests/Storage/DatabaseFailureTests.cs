using Microsoft.Data.Sqlite;
using Npgsql;
using OpenMaas.Core.Storage;

namespace OpenMaas.Tests.Storage;

/// <summary>Which database failures are "come back later" (503) rather than a fault of the call (500).</summary>
public sealed class DatabaseFailureTests
{
    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    [Theory]
    [InlineData("53300")] // too_many_connections: "sorry, too many clients already"
    [InlineData("53000")]
    [InlineData("57P03")] // cannot_connect_now: starting up
    [InlineData("57P01")] // admin_shutdown
    [InlineData("08006")]
    public void IsUnavailable_ServerOutOfConnectionsOrGoing(string sqlState) => Assert.True(DatabaseFailure.IsUnavailable(Postgres(sqlState)));

    [Fact]
    public void IsUnavailable_PoolExhaustedOrUnreachable_EvenWrappedByEfCore()
    {
        var exhausted = new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' or 'Timeout'", new TimeoutException());
        Assert.True(DatabaseFailure.IsUnavailable(exhausted));
        Assert.True(DatabaseFailure.IsUnavailable(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))));
        Assert.True(DatabaseFailure.IsUnavailable(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", Postgres("53300"))));
        Assert.True(DatabaseFailure.IsUnavailable(new SqliteException("database is locked", 5)));
    }

    [Fact]
    public void IsUnavailable_NotForTheStatementsOwnFaultsOrOtherErrors()
    {
        Assert.False(DatabaseFailure.IsUnavailable(Postgres("23505"))); // unique_violation
        Assert.False(DatabaseFailure.IsUnavailable(Postgres("42P01"))); // undefined_table
        Assert.False(DatabaseFailure.IsUnavailable(new InvalidOperationException("bug")));
        Assert.False(DatabaseFailure.IsUnavailable(new TimeoutException()));
    }
}
