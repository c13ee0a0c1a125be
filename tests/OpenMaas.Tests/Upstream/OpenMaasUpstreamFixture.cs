using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// Two real OpenMaaS nodes on loopback: <see cref="Engine"/> serves stories260K with its local llama.cpp runtime;
/// <see cref="Gateway"/> has no local model and serves karpathy/stories260K from the engine, registered with the
/// real CLI (<c>openmaas model add-upstream … --api-key ENGINE_TOKEN</c>).
/// </summary>
public sealed class OpenMaasUpstreamFixture : IAsyncLifetime
{
    public EngineNode Engine { get; } = new();

    public GatewayNode Gateway { get; } = new();

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await Gateway.InitializeAsync();
        var (rc, stdout, stderr) = await Cli.RunAsync(Gateway.DataPath, null,
            "model", "add-upstream", TestAssets.StoriesId, "--url", Engine.V1.ToString().TrimEnd('/'), "--api-key", Engine.ApiKey);
        Assert.True(rc == 0, stdout + stderr);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Engine.DisposeAsync();
    }

    public sealed class EngineNode : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Quota:Enabled=false"];
    }

    public sealed class GatewayNode : ServerFixture
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override bool RegisterStories => false;

        protected override IEnumerable<string> Settings => ["Logging:LogLevel:Default=Debug", "Upstreams:HealthCheckSeconds=0.5"];

        protected override void ConfigureServices(IServiceCollection services) => services.AddLogging(b => b.AddProvider(Logs));
    }
}
