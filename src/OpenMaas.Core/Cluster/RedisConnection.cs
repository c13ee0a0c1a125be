using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OpenMaas.Core.Cluster;

/// <summary>
/// The node's one multiplexed Redis connection. It connects in the background and reconnects by itself
/// (<c>AbortOnConnectFail=false</c>); while it is down, operations fail fast and callers fail closed.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        Options = options.Value;
        _multiplexer = new(() =>
        {
            var config = ConfigurationOptions.Parse(Options.Configuration!);
            config.AbortOnConnectFail = false;
            // A (re)connect on a loaded machine needs more than one operation's budget; 5 s is the client's advice.
            config.ConnectTimeout = Math.Max(Options.TimeoutMs, 5000);
            config.SyncTimeout = Options.TimeoutMs;
            config.AsyncTimeout = Options.TimeoutMs;
            config.ConnectRetry = 1;
            config.ReconnectRetryPolicy = new LinearRetry(250);
            config.ClientName = "openmaas";
            config.BacklogPolicy = BacklogPolicy.FailFast; // fail closed at once rather than queue while Redis is away
            var multiplexer = ConnectionMultiplexer.Connect(config);
            multiplexer.ConnectionFailed += (_, e) => ClusterLog.LogLost(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString());
            multiplexer.ConnectionRestored += (_, e) => ClusterLog.LogRestored(_logger, e.EndPoint?.ToString() ?? "?");
            return multiplexer;
        });
    }

    public RedisOptions Options { get; }

    public ConnectionMultiplexer Multiplexer => _multiplexer.Value;

    public IDatabase Database => Multiplexer.GetDatabase();

    public bool IsConnected => Multiplexer.IsConnected;

    public string Key(string suffix) => Options.KeyPrefix + suffix;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            await _multiplexer.Value.CloseAsync();
            _multiplexer.Value.Dispose();
        }
    }
}
