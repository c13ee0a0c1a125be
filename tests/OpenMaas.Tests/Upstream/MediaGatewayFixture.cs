using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Inference.Upstream;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>A real OpenMaaS whose image model <see cref="Painter"/> (task text-to-image-synthesis), speech recognition
/// model <see cref="Whisper"/> and speech model <see cref="Voice"/> are served by a <see cref="ScriptedMediaEngine"/>.</summary>
public sealed class MediaGatewayFixture : IAsyncLifetime
{
    public const string Painter = "test/painter";
    public const string Whisper = "test/whisper";
    public const string Voice = "test/voice";

    /// <summary>The audio upload limit the gateway is configured with: above the server's default limit for request
    /// bodies (Server:MaxRequestBodyBytes, 4 MiB), which audio uploads do not follow.</summary>
    public const int MaxUploadBytes = 6 << 20;

    /// <summary>The most bytes of an image fetched from an engine that answers links.</summary>
    public const int MaxImageBytes = 1 << 20;

    public ScriptedMediaEngine Engine { get; private set; } = null!;

    public GatewayNode Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Engine = await ScriptedMediaEngine.StartAsync();
        Gateway = new GatewayNode(Engine);
        await Gateway.InitializeAsync();
        // The configured model enters the library when the health service starts; wait for it.
        var registry = Gateway.Services.GetRequiredService<UpstreamRegistry>();
        for (var i = 0; i < 100 && new[] { Painter, Whisper, Voice }.Any(m => registry.Get(m).Length == 0); i++)
        {
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Engine.DisposeAsync();
    }

    public sealed class GatewayNode(ScriptedMediaEngine engine) : ServerFixture
    {
        protected override IEnumerable<string> Settings =>
        [
            "Upstreams:HealthCheckSeconds=0.5",
            $"Upstreams:Models:{Painter}:Task=text-to-image-synthesis",
            $"Upstreams:Models:{Painter}:Deployments:0:Url={engine.V1}",
            $"Upstreams:Models:{Painter}:Deployments:0:UpstreamModel=painter",
            $"Upstreams:Models:{Whisper}:Task=auto-speech-recognition",
            $"Upstreams:Models:{Whisper}:Deployments:0:Url={engine.V1}",
            $"Upstreams:Models:{Whisper}:Deployments:0:UpstreamModel=whisper",
            $"Upstreams:Models:{Voice}:Task=text-to-speech",
            $"Upstreams:Models:{Voice}:Deployments:0:Url={engine.V1}",
            $"Upstreams:Models:{Voice}:Deployments:0:UpstreamModel=voice",
            $"Audio:MaxUploadBytes={MaxUploadBytes}",
            $"Images:MaxImageBytes={MaxImageBytes}",
        ];

        /// <summary>The usage record of a call (written after the answer; waited for).</summary>
        public async Task<UsageRecord> RecordAsync(string user, string requestId)
        {
            var account = await Services.GetRequiredService<IAccountService>().FindAsync(user);
            var day = Services.GetRequiredService<QuotaCalendar>().Today().Date;
            for (var i = 0; ; i++)
            {
                var records = await Services.GetRequiredService<IUsageQueries>().RecordsAsync(account!.Id, day);
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
