using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Models.Messages;
using OpenAI;
using OpenAI.Chat;
using OpenMaas.Tests.Infrastructure;
using ChatMessageAlias = OpenAI.Chat.ChatMessage;

namespace OpenMaas.Tests.Upstream;

/// <summary>
/// Tools, images and reasoning through an engine, with real clients: the OpenAI .NET SDK over the pass-through (every
/// field reaches the engine as sent) and the Anthropic .NET SDK over the typed path (Messages translated to the
/// engine's OpenAI chat and back). The engine is the scripted engine (<see cref="StubEngine.Script"/>): it answers a
/// tool call first and, once given the tool's result, text — each with reasoning, as vLLM's reasoning parser does.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EngineToolsTests : IAsyncLifetime
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    private const string Arguments = """{"city":"Paris"}""";
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private StubEngine _engine = null!;
    private StubGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _engine = await StubEngine.StartAsync();
        _engine.Script = body => body.Contains("tool_call_id", StringComparison.Ordinal)
            ? ScriptedAnswer.Text("It is sunny in Paris.", "The tool said sunny.")
            : ScriptedAnswer.Call("call_abc", "get_weather", Arguments, "I should look it up.");
        _gateway = await StubGateway.StartAsync([_engine]);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAISdk_ToolRoundTrip_WithAnImage_PassesEveryFieldThrough(bool stream)
    {
        var chat = new OpenAIClient(new ApiKeyCredential(_gateway.ApiKey), new OpenAIClientOptions { Endpoint = _gateway.V1 }).GetChatClient(StubGateway.ModelId);
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateAutoChoice(), AllowParallelToolCalls = false };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather now", BinaryData.FromString(WeatherSchema)));
        List<ChatMessageAlias> history =
        [
            new UserChatMessage(ChatMessageContentPart.CreateTextPart("Weather here?"), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Convert.FromBase64String(Png)), "image/png")),
        ];

        var (callId, name, arguments, finish) = stream ? await StreamCallAsync(chat, history, options) : await CallAsync(chat, history, options);
        Assert.Equal(("call_abc", "get_weather", Arguments, ChatFinishReason.ToolCalls), (callId, name, arguments, finish));

        history.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(callId, name, BinaryData.FromString(arguments))]));
        history.Add(new ToolChatMessage(callId, "sunny"));
        var text = stream
            ? string.Concat(await chat.CompleteChatStreamingAsync(history, options).SelectMany(u => u.ContentUpdate.ToAsyncEnumerable()).Select(p => p.Text).ToListAsync())
            : (await chat.CompleteChatAsync(history, options)).Value.Content[0].Text;
        Assert.Equal("It is sunny in Paris.", text);

        var first = JsonNode.Parse(_engine.Bodies[0])!;
        Assert.Equal("stub-model", first["model"]!.GetValue<string>());
        Assert.Equal("get_weather", first["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse(WeatherSchema)!.ToJsonString(), first["tools"]![0]!["function"]!["parameters"]!.ToJsonString());
        Assert.Equal("auto", first["tool_choice"]!.GetValue<string>());
        Assert.False(first["parallel_tool_calls"]!.GetValue<bool>());
        Assert.Equal("data:image/png;base64," + Png, first["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>());
        var second = JsonNode.Parse(_engine.Bodies[1])!["messages"]!.AsArray();
        Assert.Equal(Arguments, second[1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal(("tool", "call_abc", "sunny"), (second[2]!["role"]!.GetValue<string>(), second[2]!["tool_call_id"]!.GetValue<string>(), second[2]!["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenAIWire_ReasoningContent_AndToolCallDeltas_ComeBackUnchanged()
    {
        using var http = _gateway.CreateClient();
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent($$$"""
            {"model":"{{{StubGateway.ModelId}}}","stream":true,"enable_thinking":true,"messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{{{WeatherSchema}}}}}]}
            """, Encoding.UTF8, "application/json"));
        var sse = await response.Content.ReadAsStringAsync();
        var deltas = sse.Split("\n\n").Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(e => JsonNode.Parse(e["data: ".Length..])!["choices"]!.AsArray().FirstOrDefault()?["delta"]).Where(d => d is not null).ToList();
        Assert.Equal("I should look it up.", string.Concat(deltas.Select(d => d!["reasoning_content"]?.GetValue<string>())));
        Assert.Equal(Arguments, string.Concat(deltas.Select(d => d!["tool_calls"]?[0]?["function"]?["arguments"]?.GetValue<string>())));
        Assert.Contains("\"finish_reason\":\"tool_calls\"", sse, StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(_engine.Bodies[0])!["enable_thinking"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnthropicSdk_ToolRoundTrip_ThinkingAndAnImage_TranslatedToTheEnginesChat(bool stream)
    {
        var client = new AnthropicClient { ApiKey = _gateway.ApiKey, BaseUrl = _gateway.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 };
        var tools = $$$"""
            "tools":[{"name":"get_weather","description":"Weather now","input_schema":{{{WeatherSchema}}}}],"thinking":{"type":"enabled","budget_tokens":1024}
            """;
        var user = $$$"""{"role":"user","content":[{"type":"text","text":"Weather here?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}}]}""";
        var first = await SendAsync(client, stream, $$$"""{"model":"{{{StubGateway.ModelId}}}","max_tokens":2048,{{{tools}}},"messages":[{{{user}}}]}""");
        Assert.Equal("tool_use", first.StopReason?.Raw());
        Assert.True(first.Content[0].TryPickThinking(out var thinking));
        Assert.Equal("I should look it up.", thinking!.Thinking);
        Assert.True(first.Content[1].TryPickToolUse(out var toolUse));
        Assert.Equal(("call_abc", "get_weather"), (toolUse!.ID, toolUse.Name));
        Assert.Equal("Paris", toolUse.Input["city"].GetString());

        var assistant = $$$"""{"role":"assistant","content":[{"type":"thinking","thinking":"I should look it up.","signature":""},{"type":"tool_use","id":"call_abc","name":"get_weather","input":{{{Arguments}}}}]}""";
        var result = """{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_abc","content":[{"type":"text","text":"sunny"}]}]}""";
        var second = await SendAsync(client, stream, $$$"""{"model":"{{{StubGateway.ModelId}}}","max_tokens":2048,{{{tools}}},"messages":[{{{user}}},{{{assistant}}},{{{result}}}]}""");
        Assert.Equal("end_turn", second.StopReason?.Raw());
        Assert.True(second.Content[0].TryPickThinking(out var reasoning));
        Assert.Equal("The tool said sunny.", reasoning!.Thinking);
        Assert.True(second.Content[1].TryPickText(out var text));
        Assert.Equal("It is sunny in Paris.", text!.Text);
        Assert.Equal((21, 13), (second.Usage.InputTokens, second.Usage.OutputTokens));

        var sent = JsonNode.Parse(_engine.Bodies[0])!;
        Assert.Equal("get_weather", sent["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("auto", sent["tool_choice"]!.GetValue<string>());
        Assert.True(sent["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.Equal(1024, sent["thinking_budget"]!.GetValue<int>());
        Assert.Equal("data:image/png;base64," + Png, sent["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>());
        var conversation = JsonNode.Parse(_engine.Bodies[1])!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], conversation.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(("call_abc", Arguments), (conversation[1]!["tool_calls"]![0]!["id"]!.GetValue<string>(), conversation[1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>()));
        Assert.Equal(("call_abc", "sunny"), (conversation[2]!["tool_call_id"]!.GetValue<string>(), conversation[2]!["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnthropicWire_StreamsToolUseAsInputJsonDeltas_AndAToolChoiceAnyIsRequired()
    {
        using var http = _gateway.CreateClient();
        using var response = await http.PostAsync("/v1/messages", new StringContent($$$"""
            {"model":"{{{StubGateway.ModelId}}}","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"name":"get_weather","input_schema":{{{WeatherSchema}}}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}}
            """, Encoding.UTF8, "application/json"));
        var sse = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"type\":\"tool_use\"", sse, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"input_json_delta\"", sse, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"thinking_delta\"", sse, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"tool_use\"", sse, StringComparison.Ordinal);
        var sent = JsonNode.Parse(_engine.Bodies[0])!;
        Assert.Equal(("required", false), (sent["tool_choice"]!.GetValue<string>(), sent["parallel_tool_calls"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task AnthropicToolResult_ForAnUnknownId_Is400_NamingTheField()
    {
        using var http = _gateway.CreateClient();
        using var response = await http.PostAsJsonAsync("/v1/messages", JsonNode.Parse($$$"""
            {"model":"{{{StubGateway.ModelId}}}","max_tokens":64,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x","content":"x"}]}]}
            """));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("messages.0.content.0.tool_use_id", body, StringComparison.Ordinal);
        Assert.Empty(_engine.Bodies);
    }

    [Fact]
    public async Task NodeClients_OpenAINpmAndAnthropicSdk_ReassembleStreamedToolCalls()
    {
        var (exit, output) = await Node.RunAsync("tools-flow.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = _gateway.BaseAddress.ToString().TrimEnd('/'),
            ["API_KEY"] = _gateway.ApiKey,
            ["MODEL"] = StubGateway.ModelId,
        });
        Assert.True(exit == 0, output);
        Assert.Contains("tool clients ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CherryStudioClients_ItsOpenAIForkAndTheAiSdkProvider_ToolRoundTripWithAnImage()
    {
        var (exit, output) = await Node.RunAsync("cherry-tools.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = _gateway.BaseAddress.ToString().TrimEnd('/'),
            ["API_KEY"] = _gateway.ApiKey,
            ["MODEL"] = StubGateway.ModelId,
        });
        Assert.True(exit == 0, output);
        Assert.Contains("cherry studio clients ok", output, StringComparison.Ordinal);
        var images = _engine.Bodies.Select(b => JsonNode.Parse(b)!["messages"]![0]!["content"]).OfType<JsonArray>()
            .Select(c => c.FirstOrDefault(p => p!["type"]!.GetValue<string>() == "image_url")?["image_url"]!["url"]!.GetValue<string>()).ToList();
        // Both turns of the fork (the image stays in its history) and the provider's first turn carried the image.
        Assert.Equal(3, images.Count(u => u == "data:image/png;base64," + Png));
    }

    private static async Task<Message> SendAsync(AnthropicClient client, bool stream, string json)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        var request = MessageCreateParams.FromRawUnchecked(new Dictionary<string, JsonElement>(), new Dictionary<string, JsonElement>(), body);
        return stream ? await client.Messages.CreateStreaming(request).Aggregate() : await client.Messages.Create(request);
    }

    private static async Task<(string Id, string Name, string Arguments, ChatFinishReason? Finish)> CallAsync(
        ChatClient chat, List<ChatMessageAlias> history, ChatCompletionOptions options)
    {
        var completion = (await chat.CompleteChatAsync(history, options)).Value;
        var call = Assert.Single(completion.ToolCalls);
        return (call.Id, call.FunctionName, call.FunctionArguments.ToString(), completion.FinishReason);
    }

    private static async Task<(string Id, string Name, string Arguments, ChatFinishReason? Finish)> StreamCallAsync(
        ChatClient chat, List<ChatMessageAlias> history, ChatCompletionOptions options)
    {
        string? id = null, name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(history, options))
        {
            foreach (var delta in update.ToolCallUpdates)
            {
                id ??= delta.ToolCallId;
                name ??= delta.FunctionName;
                arguments.Append(delta.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        return (id!, name!, arguments.ToString(), finish);
    }
}
