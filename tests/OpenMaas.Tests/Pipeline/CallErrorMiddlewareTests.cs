using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenMaas.Core.Storage;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.Pipeline;

/// <summary>A database or Redis that cannot take a call now is a 503 with <c>Retry-After</c> in the surface's shape, never a 500.</summary>
public sealed class CallErrorMiddlewareTests
{
    private static async Task<(int Status, string? RetryAfter, JsonElement Error)> RunAsync(Exception thrown, StorageFaults? faults = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/v1/chat/completions";
        http.Response.Body = new MemoryStream();
        await new CallErrorMiddleware(_ => throw thrown, OpenAIErrorWriter.Instance, faults ?? new StorageFaults(TimeProvider.System), NullLogger<CallErrorMiddleware>.Instance).InvokeAsync(http);
        http.Response.Body.Position = 0;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Response.Body);
        return (http.Response.StatusCode, http.Response.Headers.RetryAfter.ToString(), body.GetProperty("error"));
    }

    [Fact]
    public async Task TooManyClients_Is503DatabaseUnavailable_WithRetryAfter_InTheOpenAIEnvelope()
    {
        var (status, retryAfter, error) = await RunAsync(new InvalidOperationException("transient failure",
            new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300")));
        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
        Assert.Equal("database_unavailable", error.GetProperty("code").GetString());
        Assert.Equal(OpenAIErrorTypes.Overloaded, error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task PoolExhausted_Is503()
    {
        var (status, retryAfter, _) = await RunAsync(new NpgsqlException("The connection pool has been exhausted", new TimeoutException()));
        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
    }

    [Fact]
    public async Task RedisFailureOutsideAdmission_Is503QuotaUnavailable()
    {
        var (status, retryAfter, error) = await RunAsync(new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.SocketFailure, "gone"));
        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
        Assert.Equal("quota_unavailable", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnyOtherFailure_StaysA500WithoutDetails()
    {
        var (status, retryAfter, error) = await RunAsync(new InvalidOperationException("secret detail"));
        Assert.Equal(500, status);
        Assert.Equal(string.Empty, retryAfter);
        Assert.DoesNotContain("secret", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8)] // SQLITE_READONLY: the data folder read-only
    [InlineData(10)] // SQLITE_IOERR
    [InlineData(13)] // SQLITE_FULL: the disk full
    public async Task AStorageFault_Is503_AndMakesTheNodeUnreadyForAWhile(int sqliteCode)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var faults = new StorageFaults(clock);
        var readiness = new StorageFaultReadiness(faults, clock, Options.Create(new DatabaseOptions { StorageFaultUnreadySeconds = 10 }));
        Assert.Null(await readiness.CheckAsync(CancellationToken.None));

        var (status, retryAfter, error) = await RunAsync(new Microsoft.EntityFrameworkCore.DbUpdateException("save failed",
            new Microsoft.Data.Sqlite.SqliteException("attempt to write a readonly database", sqliteCode)), faults);
        Assert.Equal(503, status);
        Assert.Equal("1", retryAfter);
        Assert.Equal("database_unavailable", error.GetProperty("code").GetString());
        Assert.NotNull(await readiness.CheckAsync(CancellationToken.None));

        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await readiness.CheckAsync(CancellationToken.None)); // ready again: the next write tells
    }

    [Fact]
    public async Task AFullPool_IsNoStorageFault_TheNodeStaysReady()
    {
        var faults = new StorageFaults(TimeProvider.System);
        await RunAsync(new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"), faults);
        await RunAsync(new NpgsqlException("The connection pool has been exhausted", new TimeoutException()), faults);
        Assert.Null(faults.Last);
    }
}
