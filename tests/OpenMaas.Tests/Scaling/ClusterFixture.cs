using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Cli;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Scaling;

/// <summary>
/// Two real <c>openmaas serve</c> processes sharing one PostgreSQL database and one Redis (both real servers on
/// loopback), each with its own data folder, stories260K registered once in the shared database.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openmaas-tests", "cluster-" + Guid.NewGuid().ToString("N"));

    public PostgresServer Postgres { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public string Database { get; private set; } = string.Empty;

    public ServedNode A { get; private set; } = null!;

    public ServedNode B { get; private set; } = null!;

    /// <summary>A fixture of its own PostgreSQL server (the readiness tests stop it); the shared one otherwise.</summary>
    protected virtual bool OwnPostgres => false;

    protected virtual bool SecondNode => true;

    /// <summary>The own PostgreSQL server's <c>max_connections</c> (<see cref="OwnPostgres"/> only).</summary>
    protected virtual int MaxConnections => 1000;

    /// <summary>The own PostgreSQL server with a production's durability settings (<see cref="PostgresServer.Durable"/>).</summary>
    protected virtual bool DurablePostgres => false;

    /// <summary>False: the test starts its nodes itself (<see cref="A"/> and <see cref="B"/> stay null).</summary>
    protected virtual bool StartsNodes => true;

    /// <summary>The connection string the nodes and the CLI get, from the test server's (which bounds its own pool).</summary>
    protected virtual string NodeDatabase(string database) => database;

    // Both nodes run in one process on one clock: the clock-skew margin of a Redis rebuild can be small (the default
    // second would count a second's worth of calls twice after a Redis loss, which the rebuild test measures).
    protected virtual string[] NodeSettings => ["--Inference:ParallelSequences=16", "--Inference:QueueLimit=2000", "--Redis:TimeoutMs=5000", "--Redis:ClockSkewMs=50"];

    public string DataA => Path.Combine(_root, "a");

    public string DataB => Path.Combine(_root, "b");

    public string NewDataFolder()
    {
        var data = Path.Combine(_root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        return data;
    }

    public virtual async Task InitializeAsync()
    {
        Postgres = OwnPostgres ? await PostgresServer.StartAsync(MaxConnections, DurablePostgres) : await PostgresServer.SharedAsync();
        Database = NodeDatabase(await Postgres.CreateDatabaseAsync());
        Redis = await RedisServer.StartAsync();
        Directory.CreateDirectory(DataA);
        Directory.CreateDirectory(DataB);
        Admin = await CliServices.CreateAsync([new("Data:Path", DataA), new("ConnectionStrings:Default", Database), new("Redis:Configuration", Redis.Configuration)]);
        var registered = await Admin.GetRequiredService<ModelRegistrar>().AddAsync(
            new ModelRegistrar.Request(new FileInfo(TestAssets.StoriesGguf), TestAssets.StoriesId, "text-generation", true, null), TextWriter.Null, TextWriter.Null, CancellationToken.None);
        Assert.Equal(0, registered);
        if (StartsNodes)
        {
            var nodes = await Task.WhenAll(SecondNode ? [StartNodeAsync(DataA), StartNodeAsync(DataB)] : new[] { StartNodeAsync(DataA) });
            (A, B) = (nodes[0], nodes[^1]);
        }
    }

    public Task<ServedNode> StartNodeAsync(string data, params string[] extra) =>
        ServedNode.StartAsync(data, ["--database", Database, "--redis", Redis.Configuration, .. NodeSettings, .. extra]);

    /// <summary>Runs a CLI verb against the cluster's database and Redis; returns stdout.</summary>
    public async Task<(string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(DataA, null, [.. args, "--database", Database, "--redis", Redis.Configuration]);
        Assert.True(rc == 0, $"openmaas {string.Join(' ', args)} failed ({rc}): {stderr}");
        return (stdout, stderr);
    }

    /// <summary>The CLI's services in this process, on the cluster's database and Redis (a CLI process takes 20 s to
    /// start on a busy 2-core machine; the CLI itself is tested elsewhere).</summary>
    public ServiceProvider Admin { get; private set; } = null!;

    /// <summary>A new user with a daily limit and a token; returns the token's id and text.</summary>
    public async Task<(long TokenId, string Token)> UserAsync(string name, int daily)
    {
        var user = await Admin.GetRequiredService<IAccountService>().CreateAsync(name, name + "-password", admin: false)
            ?? throw new InvalidOperationException($"User {name} exists.");
        await Admin.GetRequiredService<IQuotaLimits>().SetAsync(user.Id, null, daily);
        return await TokenAsync(name);
    }

    public async Task<(long TokenId, string Token)> TokenAsync(string user)
    {
        var account = await Admin.GetRequiredService<IAccountService>().FindAsync(user) ?? throw new InvalidOperationException($"No user {user}.");
        var token = await Admin.GetRequiredService<ITokenService>().CreateAsync(account.Id, "tests", null);
        return (token.Info.Id, token.Text);
    }

    /// <summary>Calls of the user counted in the shared usage log.</summary>
    public async Task<long> CountedAsync(string user)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM usage_log l JOIN users u ON u.\"Id\" = l.\"UserId\" WHERE u.\"Name\" = @name AND l.\"Counted\"", connection);
        command.Parameters.AddWithValue("name", user);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The user's shared day counter in Redis (<c>openmaas:quota:DAY:u:ID</c> → <c>total</c>; 0 when none).</summary>
    public async Task<long> RedisTotalAsync(string user)
    {
        long id;
        await using (var connection = new NpgsqlConnection(Database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT \"Id\" FROM users WHERE \"Name\" = @name", connection);
            command.Parameters.AddWithValue("name", user);
            id = (long)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No user {user}."));
        }

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<StackExchange.Redis.RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: $"openmaas:quota:*:u:{id}"))
        {
            keys.Add(key);
        }

        Assert.True(keys.Count <= 1, $"counters of several days: {string.Join(", ", keys)}"); // a run takes minutes, not a midnight
        return keys.Count == 0 ? 0 : (long)await redis.GetDatabase().HashGetAsync(keys[0], "total");
    }

    public virtual async Task DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (SecondNode && B is not null)
        {
            await B.DisposeAsync();
        }

        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        if (OwnPostgres)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
