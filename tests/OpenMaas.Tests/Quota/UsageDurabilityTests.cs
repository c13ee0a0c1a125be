using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>The usage log's durability modes: process-safe (the default) fsyncs the SQLite write-ahead log after
/// commits, within the window; power-safe fsyncs every commit itself and needs no flusher; the legacy switch keeps its
/// meaning.</summary>
public sealed class UsageDurabilityTests
{
    [Theory]
    [InlineData(null, null, UsageDurability.ProcessSafe)]
    [InlineData(UsageDurability.PowerSafe, null, UsageDurability.PowerSafe)]
    [InlineData(UsageDurability.ProcessSafe, true, UsageDurability.PowerSafe)]
    [InlineData(UsageDurability.PowerSafe, false, UsageDurability.ProcessSafe)]
    public void Durability_FollowsTheModeUnlessTheLegacySwitchIsSet(UsageDurability? mode, bool? legacy, UsageDurability expected)
    {
        var options = new QuotaOptions { UsageLogFsync = legacy };
        if (mode is { } m)
        {
            options.UsageLogDurability = m;
        }

        Assert.Equal(expected, options.Durability);
    }

    [Trait("Category", "Slow")]
    public sealed class ProcessSafe(ProcessSafe.Server server) : IClassFixture<ProcessSafe.Server>
    {
        public sealed class Server : ServerFixture
        {
            protected override IEnumerable<string> Settings => ["Quota:UsageLogFsyncWindowMs=50"];
        }

        [Fact]
        public async Task AnsweredCalls_AreFollowedByAnFsyncOfTheWriteAheadLog()
        {
            var writer = (UsageLogWriter)server.Services.GetRequiredService<IUsageLog>();
            Assert.Equal(UsageDurability.ProcessSafe, server.Services.GetRequiredService<IOptions<QuotaOptions>>().Value.Durability);
            var flusher = Assert.IsType<WalFlusher>(writer.Flusher);
            var before = flusher.Flushes;

            using var http = server.CreateClient();
            using (var answer = await http.ChatAsync())
            {
                answer.EnsureSuccessStatusCode();
            }

            // The fsync follows the commit within the window; wait for it (no timing is asserted).
            for (var i = 0; i < 600 && flusher.Flushes == before; i++)
            {
                await Task.Delay(50);
            }

            Assert.True(flusher.Flushes > before, "no fsync of the write-ahead log followed the call's commit");
        }
    }

    [Trait("Category", "Slow")]
    public sealed class PowerSafe(PowerSafe.Server server) : IClassFixture<PowerSafe.Server>
    {
        public sealed class Server : ServerFixture
        {
            protected override IEnumerable<string> Settings => ["Quota:UsageLogDurability=PowerSafe"];
        }

        [Fact]
        public async Task EveryCommitIsItsOwnFsync_SoThereIsNoFlusher()
        {
            using var http = server.CreateClient();
            using (var answer = await http.ChatAsync())
            {
                answer.EnsureSuccessStatusCode();
            }

            Assert.Null(((UsageLogWriter)server.Services.GetRequiredService<IUsageLog>()).Flusher);
        }
    }
}
