using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Onnx;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// Two real OpenMaaS nodes on loopback: <see cref="Engine"/> serves stories260K with its local llama.cpp runtime and
/// the built-in MiniLM embeddings; <see cref="Gateway"/> has no local model and serves them from the engine,
/// registered with the real CLI (<c>openmaas model add-upstream … --api-key ENGINE_TOKEN</c>): karpathy/stories260K
/// under its own name, and both again under other Model IDs (<see cref="RenamedStories"/>, <see cref="RenamedMiniLm"/>)
/// whose engine names differ (<c>--upstream-model</c>), and MiniLM once more as a text-ranking model
/// (<see cref="RerankMiniLm"/>) whose <c>/v1/rerank</c> the engine answers.
/// </summary>
public sealed class OpenMaasUpstreamFixture : IAsyncLifetime
{
    public const string RenamedStories = "gateway/stories";
    public const string RenamedMiniLm = "gateway/minilm";
    public const string RerankMiniLm = "gateway/minilm-rerank";

    public EngineNode Engine { get; } = new();

    public GatewayNode Gateway { get; } = new();

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await Gateway.InitializeAsync();
        await AddUpstreamAsync(TestAssets.StoriesId);
        await AddUpstreamAsync(RenamedStories, "--upstream-model", TestAssets.StoriesId, "--capabilities", "tools,vision,reasoning");
        await AddUpstreamAsync(RenamedMiniLm, "--upstream-model", OnnxServerFixture.MiniLm, "--task", "sentence-embedding");
        await AddUpstreamAsync(RerankMiniLm, "--upstream-model", OnnxServerFixture.MiniLm, "--task", "text-ranking");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Engine.DisposeAsync();
    }

    private async Task AddUpstreamAsync(string id, params string[] more)
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(Gateway.DataPath, null,
            ["model", "add-upstream", id, "--url", Engine.V1.ToString().TrimEnd('/'), "--api-key", Engine.ApiKey, .. more]);
        Assert.True(rc == 0, stdout + stderr);
    }

    public sealed class EngineNode : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Quota:Enabled=false", "Onnx:BuiltInEmbeddingModel=true"];
    }

    public sealed class GatewayNode : ServerFixture
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override bool RegisterStories => false;

        protected override IEnumerable<string> Settings => ["Logging:LogLevel:Default=Debug", "Upstreams:HealthCheckSeconds=0.5"];

        protected override void ConfigureServices(IServiceCollection services) => services.AddLogging(b => b.AddProvider(Logs));

        /// <summary>The gateway's usage record of a call (written after the answer; waited for).</summary>
        public async Task<UsageRecord> RecordAsync(string requestId)
        {
            var user = await Services.GetRequiredService<IAccountService>().FindAsync("tester");
            var day = Services.GetRequiredService<QuotaCalendar>().Today().Date;
            for (var i = 0; ; i++)
            {
                var records = await Services.GetRequiredService<IUsageQueries>().RecordsAsync(user!.Id, day);
                if (records.FirstOrDefault(r => r.RequestId == requestId) is { } record)
                {
                    return record;
                }

                Assert.True(i < 100, $"no usage record for {requestId}");
                await Task.Delay(20);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OpenMaasUpstreamCollection : ICollectionFixture<OpenMaasUpstreamFixture>
{
    public const string Name = "OpenMaaS as an upstream";
}
