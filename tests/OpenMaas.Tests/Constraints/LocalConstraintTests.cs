using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using OpenAI;
using OpenAI.Chat;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Constraints;

/// <summary>Structured output and forced tool calls on a real local GGUF model (stories260K, which knows nothing of
/// JSON): the grammar compiled from the schema makes every answer parse and validate; what a local model cannot take
/// is a 400 naming the field.</summary>
[Trait("Category", "Slow")]
public sealed class LocalConstraintTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Schemas => new()
    {
        """{"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}""",
        """{"type":"object","properties":{"hero":{"type":"object","properties":{"name":{"type":"string","maxLength":10},"mood":{"enum":["happy","sad","angry"]}},"required":["name","mood"]},"score":{"type":"number"}},"required":["hero","score"]}""",
        """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","maxLength":8},"minItems":1,"maxItems":3},"done":{"type":"boolean"},"note":{"type":["string","null"],"maxLength":6}},"required":["tags","done"]}""",
        """{"$defs":{"pet":{"type":"object","properties":{"kind":{"enum":["cat","dog"]},"legs":{"type":"integer"}},"required":["kind","legs"]}},"type":"object","properties":{"pets":{"type":"array","items":{"$ref":"#/$defs/pet"},"maxItems":2}},"required":["pets"]}""",
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task JsonSchema_AnswersParseAndValidate_GreedyAndSampled(string schema)
    {
        foreach (var sampling in new[] { "\"temperature\":0", "\"temperature\":1,\"seed\":7", "\"temperature\":1.2,\"seed\":99" })
        {
            var body = $$$"""
                {"model":"{{{TestAssets.StoriesId}}}","max_tokens":400,{{{sampling}}},
                 "messages":[{"role":"user","content":"Once upon a time"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"story","strict":true,"schema":{{{schema}}}{{{Close}}}
                """;
            var answer = await PostAsync(body);
            var text = answer["choices"]![0]!["message"]!["content"]!.GetValue<string>();
            Assert.Equal("stop", answer["choices"]![0]!["finish_reason"]!.GetValue<string>());
            AssertValid(schema, text);
        }
    }

    /// <summary>Any object: a model that never closes it (greedy stories260K repeats key-value pairs) runs to
    /// max_tokens, finish "length", as OpenAI's own json_object does; what it wrote is still well-formed JSON so far.</summary>
    [Theory]
    [InlineData("\"temperature\":0")]
    [InlineData("\"temperature\":1,\"seed\":3")]
    [InlineData("\"temperature\":1,\"seed\":11")]
    public async Task JsonObject_AnswersAnObject_OrAWellFormedPrefixCutByLength(string sampling)
    {
        var answer = await PostAsync($$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":200,{{{sampling}}},"messages":[{"role":"user","content":"Once upon a time"}],"response_format":{"type":"json_object"}}
            """);
        var text = answer["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        if (answer["choices"]![0]!["finish_reason"]!.GetValue<string>() == "stop")
        {
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
            return;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), isFinalBlock: false, state: default);
        while (reader.Read())
        {
        }

        Assert.Equal(JsonTokenType.StartObject, new Utf8JsonReader(Encoding.UTF8.GetBytes(text)) is var first && first.Read() ? first.TokenType : JsonTokenType.None);
    }

    [Fact]
    public async Task RequiredToolChoice_YieldsACallWhoseArgumentsValidate_TheSameTwiceWhenGreedy()
    {
        const string parameters = """{"type":"object","properties":{"city":{"type":"string","maxLength":10},"days":{"type":"integer"},"unit":{"enum":["c","f"]}},"required":["city","days","unit"]}""";
        var chat = new OpenAIClient(new ApiKeyCredential(server.ApiKey), new OpenAIClientOptions { Endpoint = server.V1 }).GetChatClient(TestAssets.StoriesId);
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 200, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString(parameters)));
        options.Tools.Add(ChatTool.CreateFunctionTool("get_time", "Time", BinaryData.FromString("""{"type":"object","properties":{"zone":{"enum":["utc","cet"]}},"required":["zone"]}""")));
        ChatCompletion[] twice =
        [
            (await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options)).Value,
            (await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options)).Value,
        ];
        foreach (var completion in twice)
        {
            Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
            var call = Assert.Single(completion.ToolCalls);
            Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
            AssertValid(call.FunctionName == "get_weather" ? parameters : """{"type":"object","properties":{"zone":{"enum":["utc","cet"]}},"required":["zone"]}""", call.FunctionArguments.ToString());
        }

        Assert.Equal((twice[0].ToolCalls[0].FunctionName, twice[0].ToolCalls[0].FunctionArguments.ToString()), (twice[1].ToolCalls[0].FunctionName, twice[1].ToolCalls[0].FunctionArguments.ToString()));

        // Streamed: the same call arrives as tool-call deltas.
        var named = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 200, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        named.Tools.Add(options.Tools[0]);
        named.Tools.Add(options.Tools[1]);
        var arguments = new StringBuilder();
        string? name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")], named))
        {
            foreach (var delta in update.ToolCallUpdates)
            {
                name ??= delta.FunctionName;
                arguments.Append(delta.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(("get_weather", ChatFinishReason.ToolCalls), (name, finish));
        AssertValid(parameters, arguments.ToString());
    }

    [Theory]
    [InlineData("""{"model":"karpathy/stories260K","messages":[{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]}]}""", "messages[0].content[1]", "unsupported_content")]
    [InlineData("""{"model":"karpathy/stories260K","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]}]}""", "messages[0].content[0]", "unsupported_content")]
    [InlineData("""{"model":"karpathy/stories260K","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}}}}""", "response_format.json_schema.schema", "unsupported_schema")]
    [InlineData("""{"model":"karpathy/stories260K","messages":[{"role":"user","content":"x"}],"enable_thinking":true}""", "enable_thinking", "thinking_not_supported")]
    [InlineData("""{"model":"karpathy/stories260K","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"d":{"type":"string","format":"date"}}}}}]}""", "tools", "unsupported_schema")]
    public async Task WhatALocalModelCannotTake_Is400_NamingIt(string body, string param, string code)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((param, code), (error["param"]!.GetValue<string>(), error["code"]!.GetValue<string>()));
        if (code == "unsupported_schema")
        {
            Assert.Contains(param == "tools" ? "format" : "minimum", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    /// <summary>Regression (found by the schema fuzzing): an object of 48 optional properties makes a grammar within the
    /// converter's bounds that llama.cpp's parser refuses ("… exceeds sane defaults"); the null sampler LLamaSharp then
    /// added ended the server with a segmentation fault at the next sample. Now: 400 naming the field, streamed or not,
    /// the call given back, and the server serves the next call.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASchemaWhoseGrammarLlamaCppRefuses_Is400_AndTheServerServesOn(bool stream)
    {
        var properties = string.Join(",", Enumerable.Range(0, 48).Select(i => $"\"p{i}\":{{}}"));
        using var client = server.CreateClient();
        var schema = "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" + properties + "}},\"minItems\":0}";
        var body = "{\"model\":\"" + TestAssets.StoriesId + "\",\"max_tokens\":20,\"stream\":" + (stream ? "true" : "false")
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"n\",\"schema\":" + schema + "}}}";
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("response_format", "unsupported_schema"), (error["param"]!.GetValue<string>(), error["code"]!.GetValue<string>()));

        var answer = await PostAsync($$$"""{"model":"{{{TestAssets.StoriesId}}}","max_tokens":3,"messages":[{"role":"user","content":"Once upon a time"}]}""");
        Assert.Equal("length", answer["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnthropicAnyToolChoice_GivesAToolUseBlock()
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/v1/messages", new StringContent($$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_tokens":200,"temperature":0,"messages":[{"role":"user","content":"Once upon a time"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string","maxLength":10}},"required":["city"]}}],
             "tool_choice":{"type":"any"}}
            """, Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tool_use", answer["stop_reason"]!.GetValue<string>());
        var block = answer["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        Assert.Equal("get_weather", block["name"]!.GetValue<string>());
        AssertValid("""{"type":"object","properties":{"city":{"type":"string","maxLength":10}},"required":["city"]}""", block["input"]!.ToJsonString());
    }

    private const string Close = "}}}";

    /// <summary>The Responses API maps <c>text.format</c> onto the same grammar: stories260K's <c>output_text</c>
    /// validates, streamed or not.</summary>
    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task Responses_TextFormatJsonSchema_Validates(string schema)
    {
        var answer = await PostAsync($$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_output_tokens":400,"temperature":0,"input":"Once upon a time",
             "text":{"format":{"type":"json_schema","name":"story","strict":true,"schema":{{{schema}}}{{{Close}}}
            """, "/v1/responses");
        Assert.Equal("completed", answer["status"]!.GetValue<string>());
        var message = answer["output"]!.AsArray().Single(o => o!["type"]!.GetValue<string>() == "message")!;
        AssertValid(schema, message["content"]![0]!["text"]!.GetValue<string>());
    }

    /// <summary>A forced function call through the Responses API on the local model: one <c>function_call</c> item whose
    /// arguments validate against the function's parameters.</summary>
    [Fact]
    public async Task Responses_ToolChoiceRequired_GivesAFunctionCallItemThatValidates()
    {
        const string Parameters = """{"type":"object","properties":{"city":{"type":"string","maxLength":10},"days":{"type":"integer"}},"required":["city","days"]}""";
        var answer = await PostAsync($$$"""
            {"model":"{{{TestAssets.StoriesId}}}","max_output_tokens":200,"temperature":0,"input":"Weather?",
             "tools":[{"type":"function","name":"get_weather","parameters":{{{Parameters}}}}],"tool_choice":"required"}
            """, "/v1/responses");
        var call = answer["output"]!.AsArray().Single(o => o!["type"]!.GetValue<string>() == "function_call")!;
        Assert.Equal("get_weather", call["name"]!.GetValue<string>());
        AssertValid(Parameters, call["arguments"]!.GetValue<string>());
    }

    private async Task<JsonNode> PostAsync(string body, string path)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private Task<JsonNode> PostAsync(string body) => PostAsync(body, "/v1/chat/completions");

    internal static void AssertValid(string schema, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = JsonSchema.FromText(schema).Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{json} does not validate against {schema}");
    }
}
