using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Upstream;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// A scripted engine (not a model): an OpenAI-compatible server on loopback that answers a conversation with one
/// streamed <c>get_weather</c> tool call, and a conversation that already holds that call's result with a sentence.
/// It stands in for a tool-calling model, which no test asset is.
/// </summary>
public sealed class ScriptedToolEngine : IAsyncDisposable
{
    public const string CallId = "call_w1";
    public const string Answer = "It is 22C in Paris.";

    private readonly WebApplication _app;

    private ScriptedToolEngine(WebApplication app) => _app = app;

    public Uri V1 { get; private set; } = null!;

    /// <summary>The bodies of the chat requests received.</summary>
    public List<string> Bodies { get; } = [];

    public static async Task<ScriptedToolEngine> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var engine = new ScriptedToolEngine(app);
        app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"stub-model","object":"model"}]}""", "application/json"));
        app.MapPost("/v1/chat/completions", engine.ChatAsync);
        await app.StartAsync();
        engine.V1 = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1");
        return engine;
    }

    private async Task ChatAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        lock (Bodies)
        {
            Bodies.Add(body);
        }

        const string open = """data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":""";
        var events = new StringBuilder();
        string finish;
        if (body.Contains("\"role\":\"tool\"", StringComparison.Ordinal) && body.Contains($"\"tool_call_id\":\"{CallId}\"", StringComparison.Ordinal))
        {
            events.Append(open).Append($$"""{"content":"{{Answer}}"},"finish_reason":null}]}""").Append("\n\n");
            finish = "stop";
        }
        else
        {
            events.Append(open).Append($$$"""{"tool_calls":[{"index":0,"id":"{{{CallId}}}","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""").Append("\n\n");
            events.Append(open).Append("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}""").Append("\n\n");
            events.Append(open).Append("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null}]}""").Append("\n\n");
            finish = "tool_calls";
        }

        events.Append(open).Append($$"""{},"finish_reason":"{{finish}}"}]}""").Append("\n\n");
        events.Append("""data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":6,"total_tokens":18}}""").Append("\n\n");
        events.Append("data: [DONE]\n\n");
        http.Response.ContentType = "text/event-stream";
        await http.Response.WriteAsync(events.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(true));
        await _app.DisposeAsync();
    }

    /// <summary>An OpenMaaS whose model <c>test/tools</c> is served by <paramref name="engine"/>.</summary>
    public sealed class Gateway(ScriptedToolEngine engine) : ServerFixture
    {
        public const string ModelId = "test/tools";

        protected override bool RegisterStories => false;

        protected override IEnumerable<string> Settings =>
        [
            $"Upstreams:Models:{ModelId}:Deployments:0:Url={engine.V1}",
            $"Upstreams:Models:{ModelId}:Deployments:0:UpstreamModel=stub-model",
        ];

        public static async Task<Gateway> StartAsync(ScriptedToolEngine engine)
        {
            var gateway = new Gateway(engine);
            await gateway.InitializeAsync();
            // The configured model enters the library when the health service starts; wait for it.
            var registry = gateway.Services.GetRequiredService<UpstreamRegistry>();
            for (var i = 0; i < 100 && registry.Get(ModelId).Length == 0; i++)
            {
                await Task.Delay(50);
            }

            return gateway;
        }
    }
}
