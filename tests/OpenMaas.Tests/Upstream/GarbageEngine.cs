using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// A FAKE OpenAI-style engine on loopback (real Kestrel, real HTTP) that answers garbage on cue, one behaviour per
/// case: broken JSON, the wrong content type, a stream that breaks, stalls, never ends, or sends one enormous line.
/// No real engine can be made to misbehave like this on demand, so this stands in for a broken or hostile one. Health
/// probes always pass, so only OpenMaaS's passive ejection can take it out of rotation.
/// </summary>
public sealed class GarbageEngine : IAsyncDisposable
{
    /// <summary>The size of the huge answers (<see cref="Behaviour.HugeAnswer"/>, <see cref="Behaviour.HugeLineAfterFirst"/>).</summary>
    public const long HugeBytes = 50L << 20;

    /// <summary>The text of the first (valid) chunk of every stream.</summary>
    public const string FirstText = "Hello";

    /// <summary>What the engine leaks in its error event, which must not reach the client.</summary>
    public const string Secret = "/srv/secret/cuda";

    public enum Behaviour
    {
        /// <summary>A correct answer, whole or streamed.</summary>
        Ok,

        /// <summary>HTTP 500 before anything (for failover).</summary>
        Status500,

        /// <summary>200, <c>application/json</c>, a JSON object cut in the middle.</summary>
        TruncatedJson,

        /// <summary>200, <c>text/html</c>: a proxy's error page.</summary>
        HtmlPage,

        /// <summary>200, <c>text/event-stream</c> with valid events, to a call that did not ask for a stream.</summary>
        EventStreamToPlainCall,

        /// <summary>200 with an empty body.</summary>
        EmptyBody,

        /// <summary>200, <c>application/json</c>, 50 MB of one string, written until the reader hangs up.</summary>
        HugeAnswer,

        /// <summary>A stream whose very first event is not JSON.</summary>
        GarbageFirstEvent,

        /// <summary>One valid chunk, then an event of broken JSON, then silence (the connection held open).</summary>
        BrokenEventAfterFirst,

        /// <summary>One valid chunk, then vLLM's mid-stream error event (naming a secret path), then <c>[DONE]</c>.</summary>
        ErrorEventAfterFirst,

        /// <summary>One valid chunk, then silence forever.</summary>
        StallAfterFirst,

        /// <summary>One valid chunk, then the response ends without <c>[DONE]</c>.</summary>
        CutAfterFirst,

        /// <summary>Valid chunks every 20 ms, forever.</summary>
        Endless,

        /// <summary>One valid chunk, then <c>data: </c> and 50 MB without a newline, written until the reader hangs up.</summary>
        HugeLineAfterFirst,
    }

    private readonly WebApplication _app;
    private int _calls;
    private int _open;

    private GarbageEngine(WebApplication app) => _app = app;

    public Behaviour Mode { get; set; }

    public Uri V1 { get; private set; } = null!;

    /// <summary>Chat calls received.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Chat calls whose handler is still running (an answer held open that OpenMaaS has not hung up on).</summary>
    public int Open => Volatile.Read(ref _open);

    public static async Task<GarbageEngine> StartAsync(Behaviour mode)
    {
        GarbageEngine engine = null!;
        var (app, v1) = await LoopbackApp.StartAsync(app =>
        {
            engine = new GarbageEngine(app) { Mode = mode };
            app.MapGet("/v1/models", (HttpContext http) => http.Response.WriteAsync("""{"object":"list","data":[{"id":"stub-model","object":"model"}]}"""));
            app.MapPost("/v1/chat/completions", engine.ChatAsync);
        });
        engine.V1 = v1;
        return engine;
    }

    private async Task ChatAsync(HttpContext http)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _open);
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            var stream = (await reader.ReadToEndAsync()).Contains("\"stream\":true", StringComparison.Ordinal);
            await AnswerAsync(http, stream, http.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || http.RequestAborted.IsCancellationRequested)
        {
            // OpenMaaS hung up: what these tests want to see.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task AnswerAsync(HttpContext http, bool stream, CancellationToken gone)
    {
        var response = http.Response;
        switch (Mode)
        {
            case Behaviour.Status500:
                response.StatusCode = 500;
                await response.WriteAsync($$$"""{"error":{"message":"CUDA out of memory at {{{Secret}}}"}}""", gone);
                return;
            case Behaviour.TruncatedJson:
                response.ContentType = "application/json";
                await response.WriteAsync("""{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis""", gone);
                return;
            case Behaviour.HtmlPage:
                response.ContentType = "text/html";
                await response.WriteAsync("<html><body><h1>502 Bad Gateway</h1></body></html>", gone);
                return;
            case Behaviour.EventStreamToPlainCall:
                response.ContentType = "text/event-stream";
                await response.WriteAsync(Chunk(FirstText) + Chunk(" world") + "data: [DONE]\n\n", gone);
                return;
            case Behaviour.EmptyBody:
                response.ContentType = stream ? "text/event-stream" : "application/json";
                return;
            case Behaviour.HugeAnswer:
                response.ContentType = "application/json";
                await WriteHugeAsync(response, """{"id":"c1","object":"chat.completion","x":" """, gone);
                return;
            case Behaviour.Ok when !stream:
                response.ContentType = "application/json";
                await response.WriteAsync("""{"id":"c1","object":"chat.completion","model":"stub-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from garbage engine."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""", gone);
                return;
        }

        response.ContentType = "text/event-stream";
        if (Mode == Behaviour.GarbageFirstEvent)
        {
            await response.WriteAsync("data: <html>oops</html>\n\n", gone);
            await Task.Delay(Timeout.Infinite, gone);
            return;
        }

        await response.WriteAsync(Chunk(FirstText), gone);
        await response.Body.FlushAsync(gone);
        switch (Mode)
        {
            case Behaviour.Ok:
                await response.WriteAsync(Chunk(" from garbage engine.") + """data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\ndata: [DONE]\n\n", gone);
                return;
            case Behaviour.BrokenEventAfterFirst:
                await response.WriteAsync("data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"x\n\n", gone);
                await Task.Delay(Timeout.Infinite, gone);
                return;
            case Behaviour.ErrorEventAfterFirst:
                await response.WriteAsync($$$"""data: {"error":{"object":"error","message":"CUDA out of memory at {{{Secret}}}","code":500}}""" + "\n\ndata: [DONE]\n\n", gone);
                return;
            case Behaviour.StallAfterFirst:
                await Task.Delay(Timeout.Infinite, gone);
                return;
            case Behaviour.CutAfterFirst:
                return;
            case Behaviour.Endless:
                while (true)
                {
                    await response.WriteAsync(Chunk(" and"), gone);
                    await response.Body.FlushAsync(gone);
                    await Task.Delay(20, gone);
                }

            case Behaviour.HugeLineAfterFirst:
                await WriteHugeAsync(response, "data: {\"x\":\"", gone);
                return;
        }
    }

    private async Task WriteHugeAsync(HttpResponse response, string start, CancellationToken gone)
    {
        await response.WriteAsync(start, gone);
        var piece = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        for (long sent = 0; sent < HugeBytes; sent += piece.Length)
        {
            // Kestrel drops writes to a connection the reader closed without failing them: ask, so the handler ends.
            gone.ThrowIfCancellationRequested();
            await response.Body.WriteAsync(piece, gone);
        }
    }

    private static string Chunk(string text) =>
        $$"""data: {"id":"c1","object":"chat.completion.chunk","model":"stub-model","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""" + "\n\n";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(true));
        await _app.DisposeAsync();
    }
}
