using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Constraints;

/// <summary>Tools with <c>tool_choice</c> auto on a real local GGUF model (stories260K, which knows nothing of tools),
/// in llama.cpp's generic tool-call format under its grammar: whatever the model chooses, the answer is valid text or a
/// call of one of the tools whose arguments validate; greedy gives the same answer twice, streamed or not; a round trip
/// with a tool result renders; OpenAI chat and Anthropic Messages alike. The choice itself means nothing from so small a
/// model — the format does.</summary>
[Trait("Category", "Slow")]
public sealed class LocalToolTests(ServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const string Weather = """{"type":"object","properties":{"city":{"type":"string","maxLength":10},"days":{"type":"integer"},"unit":{"enum":["c","f"]}},"required":["city","days","unit"]}""";
    private const string Time = """{"type":"object","properties":{"zone":{"enum":["utc","cet"]}},"required":["zone"]}""";

    private static readonly string ChatTools =
        $$$"""[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{{{Weather}}}}},{"type":"function","function":{"name":"get_time","parameters":{{{Time}}}}}]""";

    public static TheoryData<string, string> Conversations => new()
    {
        { "Once upon a time", "\"temperature\":0" },
        { "What is the weather in Paris?", "\"temperature\":0" },
        { "Once upon a time", "\"temperature\":1,\"seed\":5" },
        { "Lily went to the park", "\"temperature\":1.2,\"seed\":17" },

        // Hot sampling (found by trying seeds): stories260K answers text here rather than calling.
        { "Once upon a time", "\"temperature\":2,\"seed\":2" },
        { "Once upon a time", "\"temperature\":2,\"seed\":12" },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task Chat_Auto_AnswersTextOrAValidCall_TheSameStreamedAndTwice(string prompt, string sampling)
    {
        var body = $$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":120,{{{sampling}}},"messages":[{"role":"user","content":{{{JsonValue.Create(prompt).ToJsonString()}}}}],"tools":{{{ChatTools}}},"tool_choice":"auto"}
            """;
        var first = ChatAnswer(await PostAsync("/v1/chat/completions", body));
        var second = ChatAnswer(await PostAsync("/v1/chat/completions", body));
        var streamed = await StreamChatAsync(body);

        Assert.Equal(first with { Id = null }, second with { Id = null });
        Assert.Equal(first with { Id = null }, streamed with { Id = null });
        output.WriteLine($"{first.Finish}: {first.Text} {string.Join(' ', first.Calls)}");
        AssertTextOrValidCall(first, textExpected: sampling.Contains("\"temperature\":2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_ToolResultRoundTrip_RendersAndAnswers()
    {
        var body = $$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":80,"temperature":0,"tools":{{{ChatTools}}},
             "messages":[{"role":"system","content":"You tell stories."},{"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"days\":1,\"unit\":\"c\"}"}}]},
              {"role":"tool","tool_call_id":"call_abc","content":"Sunny, 21 C"}]}
            """;
        var answer = ChatAnswer(await PostAsync("/v1/chat/completions", body));
        output.WriteLine($"{answer.Finish}: {answer.Text} {string.Join(' ', answer.Calls)}");
        AssertTextOrValidCall(answer);

        // The tools, the call and its result are in the prompt: more tokens than the conversation alone.
        var plain = await PostAsync("/v1/chat/completions", $$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":1,"temperature":0,"messages":[{"role":"system","content":"You tell stories."},{"role":"user","content":"Weather in Paris?"}]}
            """);
        var withTools = await PostAsync("/v1/chat/completions", body);
        Assert.True(withTools["usage"]!["prompt_tokens"]!.GetValue<int>() > plain["usage"]!["prompt_tokens"]!.GetValue<int>() + 50);
    }

    /// <summary>Greedy only: Anthropic's API has no <c>seed</c>, so sampled answers differ from call to call.</summary>
    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("What time is it?")]
    public async Task Messages_Auto_AnswersTextOrAValidToolUse_StreamedAsTheSame(string prompt)
    {
        var body = $$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":120,"temperature":0,"messages":[{"role":"user","content":{{{JsonValue.Create(prompt).ToJsonString()}}}}],
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{{{Weather}}}},{"name":"get_time","input_schema":{{{Time}}}}],"tool_choice":{"type":"auto"}}
            """;
        var message = await PostAsync("/v1/messages", body);
        var blocks = message["content"]!.AsArray();
        var text = string.Concat(blocks.Where(b => b!["type"]!.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>()));
        var uses = blocks.Where(b => b!["type"]!.GetValue<string>() == "tool_use").Select(b => (b!["name"]!.GetValue<string>(), b["input"]!.ToJsonString())).ToList();
        var stop = message["stop_reason"]!.GetValue<string>();
        Assert.Equal(uses.Count > 0 ? "tool_use" : stop, stop);
        var answer = new Answer(null, text, uses.Count > 0 ? "tool_calls" : stop == "max_tokens" ? "length" : "stop", [.. uses]);
        output.WriteLine($"{stop}: {text} {string.Join(' ', uses)}");
        AssertTextOrValidCall(answer);

        // Streamed: the text arrives as text_delta events, a call as tool_use + input_json_delta.
        var streamed = new StringBuilder();
        var calls = new List<(string Name, StringBuilder Input)>();
        string? streamedStop = null;
        foreach (var e in await ReadEventsAsync("/v1/messages", body.Replace("\"max_tokens\":120", "\"stream\":true,\"max_tokens\":120", StringComparison.Ordinal)))
        {
            switch (e["type"]!.GetValue<string>())
            {
                case "content_block_start" when e["content_block"]!["type"]!.GetValue<string>() == "tool_use":
                    calls.Add((e["content_block"]!["name"]!.GetValue<string>(), new StringBuilder()));
                    break;
                case "content_block_delta" when e["delta"]!["type"]!.GetValue<string>() == "text_delta":
                    streamed.Append(e["delta"]!["text"]!.GetValue<string>());
                    break;
                case "content_block_delta" when e["delta"]!["type"]!.GetValue<string>() == "input_json_delta":
                    calls[^1].Input.Append(e["delta"]!["partial_json"]!.GetValue<string>());
                    break;
                case "message_delta":
                    streamedStop = e["delta"]!["stop_reason"]!.GetValue<string>();
                    break;
            }
        }

        Assert.Equal((text, stop), (streamed.ToString(), streamedStop));
        Assert.Equal(uses.Select(u => (u.Item1, JsonNode.Parse(u.Item2)!.ToJsonString())), calls.Select(c => (c.Name, JsonNode.Parse(c.Input.ToString())!.ToJsonString())));
    }

    /// <summary>The Responses API on the same path: with <c>tool_choice</c> auto the output is a message or
    /// <c>function_call</c> items of the offered functions whose arguments validate.</summary>
    [Fact]
    public async Task Responses_Auto_GivesAMessageOrValidFunctionCalls()
    {
        var answer = await PostAsync("/v1/responses", $$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_output_tokens":120,"temperature":0,"input":"Once upon a time","tool_choice":"auto",
             "tools":[{"type":"function","name":"get_weather","parameters":{{{Weather}}}},{"type":"function","name":"get_time","parameters":{{{Time}}}}]}
            """);
        var items = answer["output"]!.AsArray();
        var calls = items.Where(o => o!["type"]!.GetValue<string>() == "function_call").Select(o => (o!["name"]!.GetValue<string>(), o["arguments"]!.GetValue<string>())).ToList();
        var text = string.Concat(items.Where(o => o!["type"]!.GetValue<string>() == "message").Select(o => o!["content"]![0]!["text"]!.GetValue<string>()));
        output.WriteLine($"{answer["status"]}: {text} {string.Join(' ', calls)}");
        AssertTextOrValidCall(new Answer(null, calls.Count > 0 ? string.Empty : text, calls.Count > 0 ? "tool_calls" : "stop", calls));
    }

    [Fact]
    public async Task CountTokens_CountsTheRenderedTools()
    {
        const string Conversation = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]";
        var plain = await PostAsync("/v1/messages/count_tokens", $$$"""{"model":"{{{TestAssets.StoriesId}}}",{{{Conversation}}}}""");
        var withTools = await PostAsync("/v1/messages/count_tokens", $$$"""
            {"model":"{{{TestAssets.StoriesId}}}",{{{Conversation}}},"tools":[{"name":"get_weather","description":"Weather","input_schema":{{{Weather}}}}]}
            """);
        var generated = await PostAsync("/v1/messages", $$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":1,{{{Conversation}}},"tools":[{"name":"get_weather","description":"Weather","input_schema":{{{Weather}}}}]}
            """);

        Assert.True(withTools["input_tokens"]!.GetValue<int>() > plain["input_tokens"]!.GetValue<int>() + 50);
        Assert.Equal(generated["usage"]!["input_tokens"]!.GetValue<int>(), withTools["input_tokens"]!.GetValue<int>());
    }

    private static void AssertTextOrValidCall(Answer answer, bool textExpected = false)
    {
        if (answer.Calls.Count == 0 || textExpected)
        {
            Assert.Empty(answer.Calls);
            Assert.Contains(answer.Finish, new[] { "stop", "length" });
            return;
        }

        Assert.Equal("tool_calls", answer.Finish);
        Assert.Equal(string.Empty, answer.Text);
        var (name, arguments) = Assert.Single(answer.Calls);
        Assert.Contains(name, new[] { "get_weather", "get_time" });
        LocalConstraintTests.AssertValid(name == "get_weather" ? Weather : Time, arguments);
    }

    private static Answer ChatAnswer(JsonNode completion)
    {
        var choice = completion["choices"]![0]!;
        var calls = choice["message"]!["tool_calls"]?.AsArray().Select(c => (c!["function"]!["name"]!.GetValue<string>(), c["function"]!["arguments"]!.GetValue<string>())).ToList() ?? [];
        var ids = choice["message"]!["tool_calls"]?.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        return new Answer(ids is null ? null : string.Join(",", ids), choice["message"]!["content"]?.GetValue<string>() ?? string.Empty, choice["finish_reason"]!.GetValue<string>(), [.. calls]);
    }

    private async Task<Answer> StreamChatAsync(string body)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        string? finish = null;
        foreach (var e in await ReadEventsAsync("/v1/chat/completions", body.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)))
        {
            var choice = e["choices"]!.AsArray().FirstOrDefault();
            if (choice is null)
            {
                continue;
            }

            text.Append(choice["delta"]?["content"]?.GetValue<string>());
            foreach (var d in choice["delta"]?["tool_calls"]?.AsArray() ?? [])
            {
                var index = d!["index"]!.GetValue<int>();
                var known = calls.TryGetValue(index, out var k) ? k : (null, null, new StringBuilder());
                calls[index] = (known.Id ?? d["id"]?.GetValue<string>(), known.Name ?? d["function"]?["name"]?.GetValue<string>(), known.Arguments.Append(d["function"]?["arguments"]?.GetValue<string>()));
            }

            finish = choice["finish_reason"]?.GetValue<string>() ?? finish;
        }

        Assert.All(calls.Values, c => Assert.StartsWith("call_", c.Id, StringComparison.Ordinal));
        return new Answer(null, text.ToString(), finish!, [.. calls.Values.Select(c => (c.Name!, c.Arguments.ToString()))]);
    }

    private async Task<List<JsonNode>> ReadEventsAsync(string path, string body)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l["data: ".Length..])!)];
    }

    private async Task<JsonNode> PostAsync(string path, string body)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private sealed record Answer(string? Id, string Text, string Finish, List<(string Name, string Arguments)> Calls)
    {
        public bool Equals(Answer? other) =>
            other is not null && Id == other.Id && Text == other.Text && Finish == other.Finish && Calls.SequenceEqual(other.Calls);

        public override int GetHashCode() => HashCode.Combine(Id, Text, Finish);
    }
}
