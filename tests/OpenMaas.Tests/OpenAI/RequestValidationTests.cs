using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Tests.OpenAI;

public sealed class RequestValidationTests
{
    private static ChatCompletionRequest Chat(string json) => JsonSerializer.Deserialize(json, OpenAIJson.Default.ChatCompletionRequest)!;

    [Fact]
    public void ToPrompt_MapsDeveloperToSystemAndJoinsTextParts()
    {
        var request = Chat("""{"model":"a/b","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":[{"type":"text","text":"Once "},{"type":"text","text":"upon"}]}]}""");
        var prompt = Assert.IsType<PromptInput.Chat>(request.ToPrompt());
        Assert.Equal([("system", "be brief"), ("user", "Once upon")], prompt.Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public void ToPrompt_AcceptsAssistantWithoutContent()
    {
        var request = Chat("""{"model":"a/b","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null},{"role":"user","content":"again"}]}""");
        Assert.Equal(3, Assert.IsType<PromptInput.Chat>(request.ToPrompt()).Messages.Count);
    }

    [Theory]
    [InlineData("""{"model":"a/b","messages":[{"role":"user"}]}""", "messages[0].content")]
    [InlineData("""{"model":"a/b","messages":[null]}""", "messages[0]")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}""", "stream_options")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"stop":[""]}""", "stop")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"presence_penalty":3}""", "presence_penalty")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"top_k":-1}""", "top_k")]
    public void ToPrompt_RejectsWithTheParamNamed(string json, string param)
    {
        var e = Assert.Throws<CallException>(() => Chat(json).ToGenerationRequest());
        Assert.Equal(400, e.Status);
        Assert.Equal(param, e.Param);
    }

    [Fact]
    public void ToGenerationRequest_MapsEveryField()
    {
        var request = Chat("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"max_completion_tokens":7,"temperature":0,"top_p":0.5,"top_k":4,"seed":42,"stop":"END","presence_penalty":0.5,"frequency_penalty":-0.5,"ignore_eos":true}""");
        var neutral = request.ToGenerationRequest();
        Assert.Equal(new CallEndpoint("openai", "chat.completions"), neutral.Endpoint);
        Assert.Equal("max_completion_tokens", neutral.MaxTokensParam);
        var options = TextGenerationPreparer.Bound(neutral, contextLength: 100, promptTokens: 10);
        Assert.Equal(7, options.MaxTokens);
        Assert.Equal(0f, options.Temperature);
        Assert.Equal(0.5f, options.TopP);
        Assert.Equal(4, options.TopK);
        Assert.Equal(42u, options.Seed);
        Assert.Equal(["END"], options.Stop);
        Assert.Equal(0.5f, options.PresencePenalty);
        Assert.Equal(-0.5f, options.FrequencyPenalty);
        Assert.True(options.IgnoreEos);
    }

    [Fact]
    public void Bound_ClipsToTheRoomLeftInTheContext()
    {
        var request = Chat("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"max_tokens":80}""").ToGenerationRequest();
        Assert.Equal(30, TextGenerationPreparer.Bound(request, contextLength: 100, promptTokens: 70).MaxTokens);
        Assert.Equal(30, TextGenerationPreparer.Bound(Chat("""{"model":"a/b","messages":[{"role":"user","content":"x"}]}""").ToGenerationRequest(), 100, 70).MaxTokens);
    }

    [Fact]
    public void Bound_RejectsMaxTokensBeyondTheContext()
    {
        var request = Chat("""{"model":"a/b","messages":[{"role":"user","content":"x"}],"max_tokens":101}""").ToGenerationRequest();
        var e = Assert.Throws<CallException>(() => TextGenerationPreparer.Bound(request, contextLength: 100, promptTokens: 5));
        Assert.Equal("max_tokens_too_large", e.Code);
        Assert.Equal("max_tokens", e.Param);
        Assert.Contains("101", e.Message);
        Assert.Contains("100", e.Message);
    }

    [Fact]
    public void CompletionPrompt_AcceptsOneStringInAList()
    {
        var request = JsonSerializer.Deserialize("""{"model":"a/b","prompt":["hello"]}""", OpenAIJson.Default.CompletionRequest)!;
        Assert.Equal("hello", Assert.IsType<PromptInput.Raw>(request.ToPrompt()).Text);
    }
}
