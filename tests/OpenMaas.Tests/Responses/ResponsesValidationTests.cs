using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

namespace OpenMaas.Tests.Responses;

/// <summary>The Responses API's request mapper alone: input items to the conversation, the conversation to the neutral
/// chat, and what it refuses.</summary>
public sealed class ResponsesValidationTests
{
    private static ValidatedResponses Parse(string json) =>
        JsonSerializer.Deserialize(json, ResponsesJson.Default.ResponsesRequest)!.Validate();

    [Fact]
    public void AString_IsOneUserMessage_WithOpenAIsDefaults()
    {
        var r = Parse("""{"model":"m","input":"hi"}""");
        var item = Assert.Single(r.Input);
        Assert.Equal(("message", "user", "hi"), (item.Type, item.Role, item.Text));
        Assert.StartsWith("msg_", item.Id, StringComparison.Ordinal);
        Assert.True(r.Store);
        Assert.False(r.Stream);
        Assert.Equal((1f, 1f), (r.Sampling.Temperature, r.Sampling.TopP));
    }

    [Fact]
    public void Items_MapToTheConversation_InstructionsFirst_DeveloperAsSystem_ToolItemsAsToolMessages()
    {
        var r = Parse("""
            {"model":"m","instructions":"Be brief.","input":[
              {"role":"developer","content":"Use metric units."},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather "},{"type":"input_text","text":"in Paris?"}]},
              {"type":"reasoning","id":"rs_1","summary":[]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"22C"}]}
            """);
        var conversation = ResponsesValidation.Conversation([], r.Input);
        Assert.Equal(4, conversation.Count);
        var chat = ResponsesValidation.ToPrompt(r.Instructions, conversation);
        Assert.Equal(
            [("system", "Be brief."), ("system", "Use metric units."), ("user", "Weather in Paris?"), ("assistant", ""), ("tool", "22C")],
            chat.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"), Assert.Single(chat.Messages[3].ToolCalls!));
        Assert.Equal("call_1", chat.Messages[4].ToolCallId);
    }

    [Fact]
    public void AFunctionCallOutput_MayAnswerACallOfThePreviousResponse()
    {
        var previous = new[] { new ConversationItem { Type = "function_call", Id = "fc_1", CallId = "call_7", Name = "f", Arguments = "{}" } };
        var r = Parse("""{"model":"m","input":[{"type":"function_call_output","call_id":"call_7","output":"ok"}]}""");
        Assert.Equal(2, ResponsesValidation.Conversation(previous, r.Input).Count);

        var orphan = Assert.Throws<CallException>(() => ResponsesValidation.Conversation([], r.Input));
        Assert.Equal("input[0].call_id", orphan.Param);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"hi","tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"m","input":"hi","tool_choice":{"type":"function","name":"f"}}""", "tool_choice.name")]
    [InlineData("""{"model":"m","input":"hi","tool_choice":{"type":"web_search"}}""", "tool_choice.type")]
    [InlineData("""{"model":"m","input":"hi","truncation":"middle"}""", "truncation")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:,"}]}]}""", "input[0].content[0].type")]
    [InlineData("""{"model":"m","input":["hi"]}""", "input[0]")]
    [InlineData("""{"model":"m","input":"hi","tools":[{"type":"file_search","vector_store_ids":[]}]}""", "tools[0].type")]
    public void Refuses_NamingTheField(string json, string param)
    {
        var error = Assert.Throws<CallException>(() => Parse(json));
        Assert.Equal((400, param), (error.Status, error.Param));
    }

    [Fact]
    public void FunctionTools_TextFormat_AndReasoningEffort_AreAccepted()
    {
        var r = Parse("""
            {"model":"m","input":"hi","tool_choice":"auto","parallel_tool_calls":false,
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{}}}],
             "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"}}},"reasoning":{"effort":"low","summary":"auto"}}
            """);
        Assert.Equal(1, r.Tools!.Value.GetArrayLength());
        Assert.Equal("low", r.ReasoningEffort);
        Assert.False(r.ParallelToolCalls);
        Assert.Equal("json_schema", r.Text!.Value.GetProperty("format").GetProperty("type").GetString());

        // …and reach the model as the neutral request's tools, format and thinking switches.
        Assert.Equal("get_weather", Assert.Single(r.ToolDefinitions).Name);
        Assert.Equal((ResponseFormatKind.JsonSchema, "w"), (r.Format!.Kind, r.Format.Name));
        Assert.Equal(new ThinkingOptions(true, Effort: "low"), r.Thinking);
    }

    [Fact]
    public void ToolChoice_RequiredOrANamedFunction_ForcesACall()
    {
        const string Head = "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}]";
        Assert.Equal(ToolChoiceMode.Required, Parse(Head + ",\"tool_choice\":\"required\"}").Choice.Mode);
        Assert.Equal(new ToolChoice(ToolChoiceMode.Function, "f"), Parse(Head + ",\"tool_choice\":{\"type\":\"function\",\"name\":\"f\"}}").Choice);
        Assert.Equal(ToolChoiceMode.Auto, Parse(Head + "}").Choice.Mode);
    }
}
