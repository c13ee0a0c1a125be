using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Upstream;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>A gateway OpenMaaS whose model <c>test/stub</c> is served by the given engines (their <c>/v1</c> URLs,
/// configured in appsettings form), with short timeouts and health rounds, and every log line captured.</summary>
public sealed class StubGateway(IReadOnlyList<Uri> engines, IEnumerable<string> extra) : ServerFixture
{
    public const string ModelId = "test/stub";
    public const string EngineKey = "sk-engine-secret-4c1d";

    public CapturingLoggerProvider Logs { get; } = new();

    protected override bool RegisterStories => false;

    protected override IEnumerable<string> Settings =>
    [
        "Logging:LogLevel:Default=Debug",
        "Upstreams:FirstByteTimeoutSeconds=3", // a stalled engine is cut off quickly, a healthy one on a loaded machine is not
        "Upstreams:ChunkTimeoutSeconds=3",
        "Upstreams:HealthCheckSeconds=0.2",
        "Upstreams:HealthTimeoutSeconds=2",
        "Upstreams:EjectSeconds=0.5",
        .. engines.SelectMany((e, i) => new[]
        {
            $"Upstreams:Models:{ModelId}:Deployments:{i}:Url={e}",
            $"Upstreams:Models:{ModelId}:Deployments:{i}:UpstreamModel=stub-model",
            $"Upstreams:Models:{ModelId}:Deployments:{i}:ApiKey={EngineKey}",
        }),
        .. extra,
    ];

    public UpstreamEndpoint[] Endpoints => Services.GetRequiredService<UpstreamRegistry>().Get(ModelId);

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddLogging(b => b.AddProvider(Logs));

    public static Task<StubGateway> StartAsync(IReadOnlyList<StubEngine> engines, params string[] extra) =>
        StartOnAsync([.. engines.Select(e => e.V1)], extra);

    /// <summary>A gateway over the engines at these <c>/v1</c> URLs.</summary>
    public static async Task<StubGateway> StartOnAsync(IReadOnlyList<Uri> engines, params string[] extra)
    {
        var gateway = new StubGateway(engines, extra);
        await gateway.InitializeAsync();
        // The configured model enters the library when the health service starts; wait for it.
        for (var i = 0; i < 100 && gateway.Endpoints.Length < engines.Count; i++)
        {
            await Task.Delay(50);
        }

        return gateway;
    }
}
