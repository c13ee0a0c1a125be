using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Protocols.Anthropic;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.Anthropic;

public sealed class MessagesValidationTests
{
    [Fact]
    public void Validate_MapsSystemMessagesAndSampling()
    {
        var v = Read("""
            {"model":"karpathy/stories260K","max_tokens":40,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":" Really.","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"Once upon a time"},{"role":"assistant","content":[{"type":"text","text":"there"}]},{"role":"user","content":"go on"}],
             "stop_sequences":["\n\n"],"temperature":0,"top_p":0.9,"top_k":5,"stream":true,"metadata":{"user_id":"u-1"},"unknown_field":1}
            """).Validate();
        Assert.Equal("karpathy/stories260K", v.Model);
        Assert.Equal(
            [("system", "Be brief. Really."), ("user", "Once upon a time"), ("assistant", "there"), ("user", "go on")],
            v.Prompt.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal((40, 0f, 0.9f, 5), (v.Sampling.MaxTokens, v.Sampling.Temperature, v.Sampling.TopP, v.Sampling.TopK));
        Assert.Equal(["\n\n"], v.Sampling.Stop);
        Assert.True(v.Stream);
    }

    [Fact]
    public void Validate_UsesAnthropicsDefaults()
    {
        var v = Read("""{"model":"karpathy/stories260K","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}""").Validate();
        Assert.Equal((1f, 1f, 0), (v.Sampling.Temperature, v.Sampling.TopP, v.Sampling.TopK));
        Assert.False(v.Stream);
        Assert.Equal([("user", "hi")], v.Prompt.Messages.Select(m => (m.Role, m.Content)));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":5}""", "model: Field required")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"hi"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"a/b","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens: must be at least 1")]
    [InlineData("""{"model":"a/b","max_tokens":5}""", "messages: Field required")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[]}""", "messages: at least one message")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"system","content":"hi"}]}""", "messages.0.role: Unexpected role \"system\"")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"x"}]}""", "messages.1.role: Input should be 'user' or 'assistant'")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"content":"hi"}]}""", "messages.0.role: Field required")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user"}]}""", "messages.0.content: Field required")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":""}]}""", "messages.0.content: must not be empty")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[]}]}""", "messages.0.content: must contain at least one content block")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""", "messages.0.content.0.text: text content blocks must be non-empty")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"hologram"}]}]}""", "messages.0.content.0: unknown content block type 'hologram'")]
    [InlineData("""{"model":"a/b","max_tokens":5,"system":[{"type":"image"}],"messages":[{"role":"user","content":"hi"}]}""", "system.0: only 'text' blocks are allowed")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t"}]}]}""", "messages.0.content.0.tool_use_id: unexpected tool_use_id 't'")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result"}]}]}""", "messages.0.content.0.tool_use_id: Field required")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":"x"}]}]}""", "messages.0.content.0.input: must be an object")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]}]}""", "messages.0.content.0: 'tool_use' blocks belong in assistant messages")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"AA=="}}]}]}""", "messages.0.content.0.source.media_type: Input should be")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type: Input should be 'base64' or 'url'")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f"}]}""", "tools.0.input_schema: Field required")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":[]}]}""", "tools.0.input_schema: must be a JSON Schema object")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"a b","input_schema":{"type":"object"}}]}""", "tools.0.name: String should match pattern")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}""", "tools.0.type: server tools")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"any"}}""", "tool_choice: 'any' needs at least one tool")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"g"}}""", "tool_choice.name: no tool named 'g'")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"sometimes"}}""", "tool_choice.type: Input should be")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":1024}}""", "thinking.enabled.budget_tokens: must be less than max_tokens")]
    [InlineData("""{"model":"a/b","max_tokens":5000,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":100}}""", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")]
    [InlineData("""{"model":"a/b","max_tokens":5000,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"maybe"}}""", "thinking.type: Input should be 'enabled' or 'disabled'")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"temperature":1.5}""", "temperature: must be between 0 and 1")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"top_p":0}""", "top_p: must be greater than 0")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"top_k":-1}""", "top_k: must be 0 or more")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"stop_sequences":[""]}""", "stop_sequences.0: must be a non-empty string")]
    public void Validate_RefusesWithAnthropicsMessage(string json, string expected)
    {
        var e = Assert.Throws<CallException>(() => Read(json).Validate());
        Assert.Equal((400, CallErrorKind.InvalidRequest), (e.Status, e.Kind));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefusesAnOverlongUserId()
    {
        var json = """{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"USER"}}""".Replace("USER", new string('x', 257), StringComparison.Ordinal);
        Assert.StartsWith("metadata.user_id: at most 256 characters", Assert.Throws<CallException>(() => Read(json).Validate()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"a/b","max_tokens":"many","messages":[]}""", "max_tokens: has the wrong type")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":42}]}""", "messages.0.content: content must be a string or an array of content blocks.")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages.0.content: content blocks of type 'text' need a string 'text'.")]
    [InlineData("""{"model":"a/b","max_tokens":5,"messages":[{"role":"user","content":[{"text":"x"}]}]}""", "messages.0.content: content blocks must be objects with a string 'type'.")]
    [InlineData("""{"model":"a/b",""", "The request body is not valid JSON (line 1, position 14).")]
    public void Reading_DescribesTypeErrorsByField(string json, string expected)
    {
        var e = Assert.Throws<JsonException>(() => Read(json));
        Assert.Equal(expected, JsonBodyReader.Describe(e, FieldPathStyle.Dots));
    }

    [Fact]
    public void CountTokens_ChecksTheConversation_WithoutMaxTokens()
    {
        var request = JsonSerializer.Deserialize("""{"model":"a/b","system":"s","messages":[{"role":"user","content":"hi"}]}""", AnthropicJson.Default.CountTokensRequest)!;
        var (model, prompt) = request.Validate();
        Assert.Equal("a/b", model);
        Assert.Equal(2, prompt.Messages.Count);
        var bad = JsonSerializer.Deserialize("""{"model":"a/b","messages":[{"role":"user","content":[{"type":"image"}]}]}""", AnthropicJson.Default.CountTokensRequest)!;
        Assert.Throws<CallException>(() => bad.Validate());
    }

    [Fact]
    public void Validate_MapsAToolRoundTrip_ToOpenAIShapedMessages()
    {
        var v = Read("""
            {"model":"a/b","max_tokens":4096,"system":"s",
             "tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "thinking":{"type":"enabled","budget_tokens":2048},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}},{"type":"image","source":{"type":"url","url":"https://x.test/a.png"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"sunny"}]},{"type":"text","text":"thanks"}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"down","is_error":true}]}]}
            """).Validate();
        var m = v.Prompt.Messages;
        Assert.Equal(["system", "user", "assistant", "tool", "user", "assistant", "tool"], m.Select(x => x.Role));
        Assert.Equal(["text", "image_url", "image_url"], m[1].Parts!.Select(p => p.Kind));
        Assert.Equal("data:image/png;base64,iVBO", ((ContentPart.Image)m[1].Parts![1]).Url);
        Assert.Equal("https://x.test/a.png", ((ContentPart.Image)m[1].Parts![2]).Url);
        Assert.Equal(("Let me look.", "toolu_1", "get_weather", """{"city":"Paris"}"""), (m[2].Content, m[2].ToolCalls![0].Id, m[2].ToolCalls![0].Name, m[2].ToolCalls![0].Arguments));
        Assert.Equal(("sunny", "toolu_1"), (m[3].Content, m[3].ToolCallId));
        Assert.Equal(("thanks", null), (m[4].Content, m[4].Parts));
        Assert.Equal(("Error: down", "toolu_2", true), (m[6].Content, m[6].ToolCallId, m[6].IsError));
        Assert.Equal(["get_weather"], v.Prompt.Tools.Select(t => t.Name));
        Assert.Equal((ToolChoiceMode.Required, false), (v.ToolChoice.Mode, v.ParallelToolCalls));
        Assert.Equal(new ThinkingOptions(true, 2048), v.Thinking);
    }

    private static MessagesRequest Read(string json) => JsonSerializer.Deserialize(json, AnthropicJson.Default.MessagesRequest)!;
}
