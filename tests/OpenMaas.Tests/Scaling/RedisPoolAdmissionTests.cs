using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Cli;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Scaling;

/// <summary>The pool contract on two Redis counters (two nodes: each its own connection, in-flight list and local
/// fallback) sharing one real Redis, with the usage log of a real SQLite database for the rebuild.</summary>
public sealed class RedisPoolAdmissionTests(RedisPoolAdmissionTests.Fixture nodes) : PoolAdmissionContract, IClassFixture<RedisPoolAdmissionTests.Fixture>
{
    protected override IQuotaCounter[] Counters => nodes.Counters;

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "redis-pools-" + Guid.NewGuid().ToString("N"));
        private readonly List<RedisConnection> _connections = [];
        private RedisServer? _redis;
        private ServiceProvider? _services;

        public IQuotaCounter[] Counters { get; private set; } = [];

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_data);
            _redis = await RedisServer.StartAsync();
            _services = await CliServices.CreateAsync(_data);
            Counters = [Node(), Node()];
        }

        private RedisQuotaCounter Node()
        {
            var connection = new RedisConnection(Options.Create(new RedisOptions { Configuration = _redis!.Configuration, TimeoutMs = 5000 }), NullLogger<RedisConnection>.Instance);
            _connections.Add(connection);
            var local = new InMemoryQuotaCounter();
            local.MarkReady();
            return new RedisQuotaCounter(connection, local, _services!.GetRequiredService<IUsageQueries>(), _services!.GetRequiredService<QuotaCalendar>(),
                new InFlightCalls(TimeProvider.System), new NodeCalls(connection), NullLogger<RedisQuotaCounter>.Instance);
        }

        public async Task DisposeAsync()
        {
            foreach (var connection in _connections)
            {
                await connection.DisposeAsync();
            }

            if (_services is not null)
            {
                await _services.DisposeAsync();
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
