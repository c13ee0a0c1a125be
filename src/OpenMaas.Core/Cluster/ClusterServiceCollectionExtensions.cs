using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>Redis-backed counters, change notices and leases when <c>Redis:Configuration</c> is set; single-node defaults otherwise.</summary>
    public static IServiceCollection AddOpenMaasCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
        if (!options.Enabled)
        {
            services.AddSingleton<IClusterLease, LocalLease>();
            return services;
        }

        AddRedis(services);
        return services;
    }

    // The Redis registrations in methods of their own (NoInlining): compiling one loads the Redis client's types, which a
    // node without Redis never needs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(IServiceCollection services)
    {
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<InFlightCalls>();
        services.AddSingleton<RedisChangeNotice>();
        services.Replace(ServiceDescriptor.Singleton<Storage.IChangeNotice>(sp => sp.GetRequiredService<RedisChangeNotice>()));
        services.AddSingleton<IClusterLease, RedisLease>();
        services.AddSingleton<Diagnostics.IReadinessCheck, RedisReadiness>();
    }

    /// <summary>With Redis: subscribes to change notices (call at start, before the first request can fill a cache).</summary>
    public static void StartClusterNotices(this IServiceProvider services)
    {
        if (services.GetService<IOptions<RedisOptions>>()?.Value.Enabled == true)
        {
            StartRedisNotices(services);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StartRedisNotices(IServiceProvider services) => services.GetRequiredService<RedisChangeNotice>().Start();

    /// <summary>The server side with Redis: the shared counter replaces the in-process one (which stays as the
    /// fallback of <see cref="RedisUnavailableMode.CountLocally"/>), and the usage log reports settled calls.</summary>
    public static IServiceCollection AddOpenMaasClusterMetering(this IServiceCollection services, IConfiguration configuration)
    {
        if ((configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions()).Enabled)
        {
            AddRedisMetering(services);
        }

        return services;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedisMetering(IServiceCollection services)
    {
        services.AddSingleton<NodeCalls>();
        services.AddHostedService<DeadNodeRecovery>();
        services.AddSingleton<RedisQuotaCounter>();
        services.Replace(ServiceDescriptor.Singleton<IQuotaCounter>(sp => sp.GetRequiredService<RedisQuotaCounter>()));
        services.Replace(ServiceDescriptor.Singleton<IUsageLog>(sp =>
            new SettlingUsageLog(sp.GetRequiredService<UsageLogWriter>(), sp.GetRequiredService<InFlightCalls>(), sp.GetRequiredService<NodeCalls>())));
    }
}

/// <summary>Tells <see cref="InFlightCalls"/> and <see cref="NodeCalls"/> when a call's record is durable.</summary>
internal sealed class SettlingUsageLog(UsageLogWriter writer, InFlightCalls inFlight, NodeCalls node) : IUsageLog
{
    public async Task AppendAsync(UsageRecord record, CancellationToken ct = default)
    {
        try
        {
            await writer.AppendAsync(record, ct);
        }
        catch
        {
            inFlight.Settled(new QuotaKey(record.UserId, record.ModelId, record.Day, record.TokenId), counted: false); // given back by the caller
            throw;
        }

        inFlight.Settled(new QuotaKey(record.UserId, record.ModelId, record.Day, record.TokenId), record.Counted);
        if (record.Counted)
        {
            node.Closed(record.RequestId);
        }
    }
}
