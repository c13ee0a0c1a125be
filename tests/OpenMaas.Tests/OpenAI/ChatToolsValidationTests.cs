using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Protocols.OpenAI;

namespace OpenMaas.Tests.OpenAI;

public sealed class ChatToolsValidationTests
{
    private const string Tools = """
        "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]
        """;

    [Fact]
    public void ToGenerationRequest_MapsAToolRoundTrip_PartsAndSwitches()
    {
        var request = Chat($$$"""
            {"model":"a/b",{{{Tools}}},"tool_choice":"required","parallel_tool_calls":false,
             "enable_thinking":true,"thinking_budget":256,"reasoning_effort":"low",
             "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather? "},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO","detail":"low"}},{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}},{"type":"video_url","video_url":{"url":"https://v"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}
            """).ToGenerationRequest();
        var chat = Assert.IsType<PromptInput.Chat>(request.Prompt);
        Assert.Equal(["text", "image_url", "input_audio", "video_url"], chat.Messages[0].Parts!.Select(p => p.Kind));
        Assert.Equal(new ContentPart.Image("data:image/png;base64,iVBO", "low"), chat.Messages[0].Parts![1]);
        Assert.Equal(new ContentPart.Audio("UklG", "wav"), chat.Messages[0].Parts![2]);
        Assert.Equal("Weather? ", chat.Messages[0].Content);
        Assert.Equal(new ToolCall("call_1", "get_weather", """{"city":"Paris"}"""), chat.Messages[1].ToolCalls![0]);
        Assert.Equal(("tool", "sunny", "call_1"), (chat.Messages[2].Role, chat.Messages[2].Content, chat.Messages[2].ToolCallId));
        Assert.Equal("get_weather", Assert.Single(chat.Tools).Name);
        Assert.Equal((ToolChoiceMode.Required, false), (request.ToolChoice.Mode, request.ParallelToolCalls));
        Assert.Equal((ResponseFormatKind.JsonSchema, "w", true), (request.ResponseFormat!.Kind, request.ResponseFormat.Name, request.ResponseFormat.Strict));
        Assert.Equal(new ThinkingOptions(true, 256, "low"), request.Thinking);
    }

    [Fact]
    public void ToGenerationRequest_ReadsThinkingFromChatTemplateKwargs()
    {
        var request = Chat("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"chat_template_kwargs":{"enable_thinking":false}}""").ToGenerationRequest();
        Assert.Equal(new ThinkingOptions(false), request.Thinking);
        Assert.Null(Chat("""{"model":"a/b","messages":[{"role":"user","content":"x"}]}""").ToGenerationRequest().Thinking);
    }

    [Theory]
    [InlineData("""{"model":"a/b","messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"model":"a/b","messages":[{"role":"tool","content":"x","tool_call_id":"nope"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"model":"a/b","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}""", "messages[0].tool_calls[0].function.arguments")]
    [InlineData("""{"model":"a/b","messages":[{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].tool_calls[0].id")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x","tool_calls":[{"id":"c","function":{"name":"f"}}]}]}""", "messages[0].tool_calls")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":[1]}}]}""", "tools[0].function.parameters")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f g"}}]}""", "tools[0].function.name")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"tools":[{"type":"retrieval"}]}""", "tools[0].type")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}""", "tool_choice")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"}""", "tool_choice")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"response_format":{"type":"xml"}}""", "response_format.type")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":"object"}}}""", "response_format.json_schema.schema")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema"}}""", "response_format.json_schema")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"reasoning_effort":"max"}""", "reasoning_effort")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"thinking_budget":0}""", "thinking_budget")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"chat_template_kwargs":[]}""", "chat_template_kwargs")]
    public void ToGenerationRequest_RefusesBadShapes_NamingTheField(string json, string param)
    {
        var e = Assert.Throws<CallException>(() => Chat(json).ToGenerationRequest());
        Assert.Equal((400, param), (e.Status, e.Param));
    }

    [Theory]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x"}}]}]}""")]
    public void Reading_RefusesIncompleteParts(string json) => Assert.Throws<JsonException>(() => Chat(json));

    private static ChatCompletionRequest Chat(string json) => JsonSerializer.Deserialize(json, OpenAIJson.Default.ChatCompletionRequest)!;
}
