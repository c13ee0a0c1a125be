using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core;
using OpenMaas.Core.Audit;

namespace OpenMaas.Tests.Audit;

/// <summary>The audit log's retention on a fake clock (the domain alone: a server's timers would all fire on a
/// year's jump): rows older than <c>Audit:RetentionDays</c> go, newer ones stay; 0 keeps everything.</summary>
public sealed class AuditRetentionTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<ServiceProvider> StartAsync(int retentionDays)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Path"] = _data,
            ["Audit:RetentionDays"] = retentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton<TimeProvider>(_clock).AddLogging().AddOpenMaasCore().BuildServiceProvider();
        await _services.InitializeOpenMaasAsync();
        return _services;
    }

    [Theory]
    [InlineData(30, 1)]
    [InlineData(0, 3)]
    public async Task OldRows_AreRemoved_AfterTheRetention(int retentionDays, int left)
    {
        var services = await StartAsync(retentionDays);
        var log = services.GetRequiredService<IAuditLog>();
        await log.RecordAsync(new AuditEntry(AuditActions.SettingsChange, AuditActions.Targets.Setting, "a"));
        await log.RecordAsync(new AuditEntry(AuditActions.SettingsChange, AuditActions.Targets.Setting, "b"));
        _clock.Advance(TimeSpan.FromDays(31));
        await log.RecordAsync(new AuditEntry(AuditActions.SettingsChange, AuditActions.Targets.Setting, "c"));

        var queries = services.GetRequiredService<IAuditQueries>();
        Assert.Equal(3 - left, await queries.RemoveExpiredAsync());
        var rows = await queries.ListAsync(new AuditFilter());
        Assert.Equal(left, rows.Total);
        Assert.Equal("c", rows.Items[0].TargetId);
        Assert.Equal("system", rows.Items[0].Actor);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
