using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// A tiny OpenAI-compatible engine on loopback (real Kestrel) whose behaviour a test switches: answer, hang, fail
/// with 500, or answer slowly. Used only where a real engine cannot be made to misbehave on cue — or, as a scripted
/// engine (<see cref="Script"/>), to answer tool calls and reasoning, which no model on this machine can.
/// </summary>
public sealed class StubEngine : IAsyncDisposable
{
    public enum Behaviour
    {
        Ok,

        /// <summary>Every request, health probes included, waits forever (a wedged engine).</summary>
        Hang,

        /// <summary>Inference calls wait forever; health probes pass.</summary>
        HangCalls,
        Error500,

        /// <summary>Inference calls wait until the test calls <see cref="Release"/>, then answer.</summary>
        Held,
    }

    private readonly WebApplication _app;
    private int _calls;

    private StubEngine(WebApplication app) => _app = app;

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Behaviour Mode { get; set; }

    /// <summary>Lets every held call (<see cref="Behaviour.Held"/>) answer.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>POSTs received (health probes not counted).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public string? LastAuthorization { get; private set; }

    /// <summary>The scripted engine: when set, each chat call is answered with what it returns for the request body.</summary>
    public Func<string, ScriptedAnswer>? Script { get; set; }

    /// <summary>Every chat request body received, in order.</summary>
    public List<string> Bodies { get; } = [];

    public Uri V1 { get; private set; } = null!;

    public static async Task<StubEngine> StartAsync()
    {
        StubEngine stub = null!;
        var (app, v1) = await LoopbackApp.StartAsync(app =>
        {
            stub = new StubEngine(app);
            app.MapGet("/v1/models", stub.ModelsAsync);
            app.MapPost("/v1/chat/completions", stub.ChatAsync);
        });
        stub.V1 = v1;
        return stub;
    }

    private async Task ModelsAsync(HttpContext http)
    {
        if (Mode == Behaviour.Hang)
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        }

        await http.Response.WriteAsync("""{"object":"list","data":[{"id":"stub-model","object":"model"}]}""");
    }

    private async Task ChatAsync(HttpContext http)
    {
        Interlocked.Increment(ref _calls);
        LastAuthorization = http.Request.Headers.Authorization;
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        lock (Bodies)
        {
            Bodies.Add(body);
        }

        if (Script is { } script)
        {
            var answer = script(body);
            var streamed = body.Contains("\"stream\":true", StringComparison.Ordinal);
            http.Response.ContentType = streamed ? "text/event-stream" : "application/json";
            await http.Response.WriteAsync(streamed ? answer.Events(body.Contains("\"include_usage\":true", StringComparison.Ordinal)) : answer.Whole());
            return;
        }

        switch (Mode)
        {
            case Behaviour.Hang or Behaviour.HangCalls:
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
                return;
            case Behaviour.Error500:
                http.Response.StatusCode = 500;
                await http.Response.WriteAsync("""{"error":{"message":"CUDA out of memory at /srv/secret/path","type":"server_error"}}""");
                return;
            case Behaviour.Held:
                await _released.Task.WaitAsync(http.RequestAborted);
                break;
        }

        if (body.Contains("\"stream\":true", StringComparison.Ordinal))
        {
            http.Response.ContentType = "text/event-stream";
            var events = new StringBuilder();
            foreach (var piece in new[] { "Hello", " from", " stub." })
            {
                events.Append($$"""data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"{{piece}}"},"finish_reason":null}]}""").Append("\n\n");
            }

            events.Append("""data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""").Append("\n\n");
            if (body.Contains("\"include_usage\":true", StringComparison.Ordinal))
            {
                events.Append("""data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""").Append("\n\n");
            }

            events.Append("data: [DONE]\n\n");
            await http.Response.WriteAsync(events.ToString());
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync("""{"id":"c1","object":"chat.completion","model":"stub-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from stub."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(true));
        await _app.DisposeAsync();
    }
}
