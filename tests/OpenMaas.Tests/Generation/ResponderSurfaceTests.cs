using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Generation;

/// <summary>
/// The one generation responder's branches, asserted the same on every surface that generates — OpenAI chat, OpenAI
/// completions, Anthropic Messages, the console playground — through the real server, driven by the FAKE model
/// (<see cref="FakeTextModel"/>): busy before the first byte (a status, refunded), a failure before the first byte (a
/// status, refunded), a failure after it (the surface's error event, the call used), the client leaving mid-stream (the
/// runtime sees the cancellation), and reasoning and tool calls kept apart in each protocol's own parts.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class ResponderSurfaceTests(ResponderSurfaceTests.FakeModelServer server) : IClassFixture<ResponderSurfaceTests.FakeModelServer>
{
    public const string ModelId = "fake/scripted";

    public static TheoryData<string> Surfaces => ["chat", "completions", "messages", "playground", "responses"];

    public sealed class FakeModelServer : ServerFixture
    {
        public FakeTextRuntime Runtime { get; } = new();

        protected override bool RegisterStories => false;

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IModelRuntime<ITextGenerationModel>>(Runtime);

        protected override async Task SeedAsync()
        {
            var now = DateTimeOffset.UtcNow;
            await Services.GetRequiredService<IModelCatalog>().AddAsync(new ModelRecord
            {
                Id = ModelId,
                Task = ModelTasks.Chat,
                Format = FakeTextRuntime.Format,
                FilePath = string.Empty,
                Servable = true,
                ApiInferenceMode = ApiInferenceMode.On,
                ApiInference = true,
                CreatedAt = now,
                UpdatedAt = now,
            });
            await CreateUserAsync("alice");
        }
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Streams_TheAnswer(string surface)
    {
        using var response = await SendAsync(surface, "hi", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await EventsAsync(response);
        Assert.Equal("Hello world", TextOf(surface, events));
        Assert.Null(ErrorOf(surface, events));
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Busy_IsAStatusWithRetryAfter_AndTheCallIsGivenBack(string surface)
    {
        using var busy = await SendAsync(surface, "busy", stream: true);
        Assert.Equal(surface == "messages" ? 529 : 503, (int)busy.StatusCode);
        Assert.Equal("2", busy.Headers.RetryAfter?.ToString());
        Assert.Contains(surface == "messages" ? "overloaded_error" : "model_busy", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var remaining = Remaining(busy);

        // Refunded: the next call is admitted with the same number of calls left as the busy one reported.
        using var next = await SendAsync(surface, "hi", stream: false);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(remaining, Remaining(next));
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task FailureBeforeTheFirstByte_IsA500_AndTheCallIsGivenBack(string surface)
    {
        using var failed = await SendAsync(surface, "fail-before-first", stream: true);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains(surface == "messages" ? "api_error" : "inference_failed", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var remaining = Remaining(failed);
        using var next = await SendAsync(surface, "hi", stream: false);
        Assert.Equal(remaining, Remaining(next));
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task FailureAfterTheFirstByte_EndsTheStreamWithTheSurfacesErrorEvent_AndTheCallIsUsed(string surface)
    {
        using var response = await SendAsync(surface, "fail-after-first", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await EventsAsync(response);
        Assert.Equal("Hello", TextOf(surface, events));
        Assert.Equal("The model failed while generating.", ErrorOf(surface, events));
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        var remaining = Remaining(response);
        using var next = await SendAsync(surface, "hi", stream: false);
        Assert.Equal(remaining - 1, Remaining(next));
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task ClientLeavingMidStream_CancelsTheGeneration(string surface)
    {
        server.Runtime.Model.ResetCancelled();
        using (var cts = new CancellationTokenSource())
        {
            var response = await SendAsync(surface, "hang-after-first", stream: true, drain: false, ct: cts.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using (var body = await response.Content.ReadAsStreamAsync(cts.Token))
            {
                Assert.True(await body.ReadAsync(new byte[16], cts.Token) > 0);
            }

            await cts.CancelAsync();
            response.Dispose();
        }

        await server.Runtime.Model.Cancelled.WaitAsync(TimeSpan.FromSeconds(30));
        using var next = await SendAsync(surface, "hi", stream: false);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task OpenAIChat_KeepsReasoningApart_AndStreamsToolCalls()
    {
        using var response = await SendAsync("chat", "parts", stream: true);
        var deltas = (await EventsAsync(response)).Where(e => e.Data != "[DONE]")
            .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("choices")[0]).ToList();
        Assert.Equal("Let me think.", deltas[0].GetProperty("delta").GetProperty("reasoning_content").GetString());
        Assert.Equal("It is sunny.", deltas[1].GetProperty("delta").GetProperty("content").GetString());
        var calls = deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal(3, calls.Count);
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(1, calls[2].GetProperty("index").GetInt32());
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());

        using var whole = await SendAsync("chat", "parts", stream: false);
        var message = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(("It is sunny.", "Let me think."), (message.GetProperty("content").GetString(), message.GetProperty("reasoning_content").GetString()));
        Assert.Equal("{\"city\":\"Paris\"}", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_b", message.GetProperty("tool_calls")[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task AnthropicMessages_PutsThinkingTextAndToolUseInTheirOwnBlocks()
    {
        using var response = await SendAsync("messages", "parts", stream: true);
        var events = await EventsAsync(response);
        var starts = events.Where(e => e.Name == "content_block_start")
            .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("content_block").GetProperty("type").GetString()).ToList();
        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], starts);
        Assert.Contains(events, e => e.Name == "message_delta" && e.Data.Contains("\"stop_reason\":\"tool_use\"", StringComparison.Ordinal));

        using var whole = await SendAsync("messages", "parts", stream: false);
        var content = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement.GetProperty("content");
        Assert.Equal("Paris", content[2].GetProperty("input").GetProperty("city").GetString());
    }

    [Fact]
    public async Task Responses_PutsReasoningTextAndFunctionCallsInTheirOwnItems_AndARoundTripAnswers()
    {
        using var response = await SendAsync("responses", "parts", stream: true);
        var events = await EventsAsync(response);
        var added = events.Where(e => e.Name == "response.output_item.added")
            .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("item").GetProperty("type").GetString()).ToList();
        Assert.Equal(["reasoning", "message", "function_call", "function_call"], added);
        Assert.Contains(events, e => e.Name == "response.reasoning_summary_text.delta" && e.Data.Contains("Let me think.", StringComparison.Ordinal));
        var arguments = events.Where(e => e.Name == "response.function_call_arguments.done")
            .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("arguments").GetString()).ToList();
        Assert.Equal(["{\"city\":\"Paris\"}", "{}"], arguments);
        Assert.Equal("response.completed", events[^1].Name);
        Assert.Equal(
            Enumerable.Range(0, events.Count),
            events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("sequence_number").GetInt32()));

        using var whole = await SendAsync("responses", "parts", stream: false);
        var answer = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement;
        var output = answer.GetProperty("output");
        Assert.Equal(["reasoning", "message", "function_call", "function_call"], output.EnumerateArray().Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("Let me think.", output[0].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal(("call_b", "get_time"), (output[3].GetProperty("call_id").GetString(), output[3].GetProperty("name").GetString()));

        // The caller runs the function and sends its output back on the stored conversation; the model answers.
        using var http = server.CreateClient();
        var next = await http.PostAsJsonAsync("/v1/responses", new
        {
            model = ModelId,
            previous_response_id = answer.GetProperty("id").GetString(),
            input = new object[] { new { type = "function_call_output", call_id = "call_a", output = "22C" } },
        });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var final = await next.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal("Hello world", final.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    // --- the surfaces ---

    private async Task<HttpResponseMessage> SendAsync(string surface, string prompt, bool stream, bool drain = true, CancellationToken ct = default)
    {
        if (surface == "playground")
        {
            var (client, csrf) = await PlaygroundClientAsync();
            var request = new HttpRequestMessage(HttpMethod.Post, "/console/playground")
            {
                Content = JsonContent.Create(new { model = ModelId, prompt, max_tokens = 16 }),
            };
            request.Headers.Add("X-CSRF-Token", csrf);
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }

        var http = server.CreateClient(drainResponses: drain);
        object body = surface switch
        {
            "chat" => new { model = ModelId, messages = new[] { new { role = "user", content = prompt } }, stream },
            "completions" => new { model = ModelId, prompt, stream },
            "responses" => new { model = ModelId, input = prompt, max_output_tokens = 16, stream },
            _ => new { model = ModelId, max_tokens = 16, messages = new[] { new { role = "user", content = prompt } }, stream },
        };
        var path = surface switch { "chat" => "/v1/chat/completions", "completions" => "/v1/completions", "responses" => "/v1/responses", _ => "/v1/messages" };
        return await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private (HttpClient Client, string Csrf)? _playground;

    private async Task<(HttpClient Client, string Csrf)> PlaygroundClientAsync()
    {
        if (_playground is { } ready)
        {
            return ready;
        }

        var client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        using (var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { name = "alice", password = "alice-password" }))
        {
            login.EnsureSuccessStatusCode();
        }

        var page = await client.GetStringAsync("/models/" + ModelId);
        var csrf = CsrfField().Match(page) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No playground form on the model page.");
        _playground = (client, WebUtility.HtmlDecode(csrf));
        return _playground.Value;
    }

    [GeneratedRegex("name=\"__csrf\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    private static int Remaining(HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("modelscope-ratelimit-requests-remaining").Single(), System.Globalization.CultureInfo.InvariantCulture);

    private sealed record SseEvent(string? Name, string Data);

    private static async Task<List<SseEvent>> EventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            string? name = null;
            var data = string.Empty;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }

            return new SseEvent(name, data);
        })];
    }

    private static string TextOf(string surface, List<SseEvent> events) => string.Concat(events.Where(e => e.Data.StartsWith('{')).Select(e =>
    {
        var root = JsonDocument.Parse(e.Data).RootElement;
        return surface switch
        {
            "chat" when root.TryGetProperty("choices", out var c) && c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out var t) => t.GetString(),
            "completions" when root.TryGetProperty("choices", out var c) && c.GetArrayLength() > 0 => c[0].GetProperty("text").GetString(),
            "messages" when e.Name == "content_block_delta" => root.GetProperty("delta").GetProperty("text").GetString(),
            "playground" when root.TryGetProperty("text", out var t) => t.GetString(),
            "responses" when e.Name == "response.output_text.delta" => root.GetProperty("delta").GetString(),
            _ => null,
        };
    }));

    /// <summary>The message of the event that ended a failed stream, in the surface's own shape; null when none.</summary>
    private static string? ErrorOf(string surface, List<SseEvent> events)
    {
        if (surface == "responses")
        {
            // An `error` event, then `response.failed` as the last.
            var error = events.LastOrDefault(e => e.Name == "error");
            return error is null || events[^1].Name != "response.failed" ? null : JsonDocument.Parse(error.Data).RootElement.GetProperty("message").GetString();
        }

        var last = events.LastOrDefault(e => e.Data.StartsWith('{'));
        if (last is null)
        {
            return null;
        }

        var root = JsonDocument.Parse(last.Data).RootElement;
        return surface switch
        {
            "messages" when last.Name == "error" => root.GetProperty("error").GetProperty("message").GetString(),
            "playground" when root.TryGetProperty("error", out var e) => e.GetString(),
            "chat" or "completions" when root.TryGetProperty("error", out var e) && e.GetProperty("code").GetString() == "inference_failed" => e.GetProperty("message").GetString(),
            _ => null,
        };
    }
}
