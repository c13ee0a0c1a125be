using System.Buffers;
using System.Text;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Tests.Upstream;

public sealed class UpstreamWireTests
{
    private static string Rewrite(string body, string model, bool forceUsage)
    {
        var output = new ArrayBufferWriter<byte>();
        EngineRequestBody.Rewrite(Encoding.UTF8.GetBytes(body), model, forceUsage, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Rewrite_NamesTheEnginesModel_AndKeepsEveryOtherFieldAsSent()
    {
        var body = """{"model":"org/m","messages":[{"role":"user","content":"h\u00e9 \"q\""}],"tools":[{"type":"function"}],"temperature":0.5,"x\"y":1}""";
        Assert.Equal(
            """{"model":"served-name","messages":[{"role":"user","content":"h\u00e9 \"q\""}],"tools":[{"type":"function"}],"temperature":0.5,"x\u0022y":1}""",
            Rewrite(body, "served-name", forceUsage: false));
    }

    [Fact]
    public void Rewrite_ForAStream_TurnsIncludeUsageOn_KeepingOtherStreamOptions()
    {
        Assert.Equal("""{"model":"e","stream":true,"stream_options":{"include_usage":true}}""", Rewrite("""{"model":"m","stream":true}""", "e", true));
        Assert.Equal("""{"model":"e","stream":true,"stream_options":{"x":1,"include_usage":true}}""",
            Rewrite("""{"model":"m","stream":true,"stream_options":{"include_usage":false,"x":1}}""", "e", true));
        Assert.Equal("""{"stream":true,"stream_options":{"include_usage":true},"model":"e"}""", Rewrite("""{"stream":true,"stream_options":null,"model":"m"}""", "e", true));
    }

    [Theory]
    [InlineData("""{"id":"x","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""", true, 5, 7, true)]
    [InlineData("""{"id":"x","choices":[{"index":0,"delta":{"content":"usage"}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}""", true, 1, 2, false)]
    [InlineData("""{"id":"x","choices":[{"index":0,"delta":{"content":"\"usage\""}}],"usage":null}""", false, 0, 0, false)]
    [InlineData("""{"object":"list","data":[{"embedding":[0.1]}],"usage":{"prompt_tokens":3,"total_tokens":3}}""", true, 3, 0, true)]
    [InlineData("""not json""", false, 0, 0, false)]
    public void UsageJson_ReadsTopLevelUsage(string json, bool has, int prompt, int completion, bool usageOnly)
    {
        var found = UsageJson.Read(Encoding.UTF8.GetBytes(json));
        Assert.Equal((has, prompt, completion, usageOnly), (found.HasUsage, found.PromptTokens, found.CompletionTokens, found.UsageOnly));
    }

    [Theory]
    [InlineData("""{"id":"c","model":"engine-name","choices":[]}""", """{"id":"c","model":"org/m\u002B1","choices":[]}""")]
    [InlineData("""{"choices":[{"model":"inner"}],"created":1,"model" : "e\"x","usage":null}""", """{"choices":[{"model":"inner"}],"created":1,"model" : "org/m\u002B1","usage":null}""")]
    [InlineData("""{"error":{"message":"bad","model":"x"}}""", """{"error":{"message":"bad","model":"x"}}""")]
    [InlineData("""{"model":null,"x":1}""", """{"model":null,"x":1}""")]
    [InlineData("""not json "model":"x" """, """not json "model":"x" """)]
    public void ModelField_ReplacesOnlyTheTopLevelModelString(string payload, string expected)
    {
        var field = new ModelField("org/m+1");
        var bytes = Encoding.UTF8.GetBytes(payload);
        var output = new ArrayBufferWriter<byte>();
        field.Write(output, bytes);
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(output.WrittenCount, field.LengthOf(bytes));
    }

    /// <summary>The stream path's one pass (issue 20) must find what the separate reads found: the same model token
    /// (so the same bytes go out), the top-level usage only, and the same refusals.</summary>
    [Theory]
    [InlineData("""{"id":"c","model":"engine-name","choices":[]}""", true, false, null)]
    [InlineData("""{"choices":[{"model":"inner","usage":1}],"created":1,"model" : "e\"x","usage":null}""", true, true, null)]
    [InlineData("""{"model":null,"x":1,"model":"second"}""", true, false, null)]
    [InlineData("""{"id":"c","choices":[],"usage":{"prompt_tokens":3}}""", false, true, null)]
    [InlineData("""{"error":{"message":"bad","model":"x"}}""", false, false, "it reported an error in the middle of its answer.")]
    [InlineData("""{"model":"x"} {}""", false, false, "it sent an event that is not a JSON object.")]
    [InlineData("""[DONE]""", false, false, null)]
    public void EventShape_FindsInOnePassWhatTheForwarderNeeds(string payload, bool hasModel, bool hasUsage, string? failure)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        Assert.Equal(failure, EventShape.Scan(bytes, out var shape));
        Assert.Equal(failure, EngineEventReader.Check(bytes));
        if (failure is not null)
        {
            return;
        }

        Assert.Equal((hasModel, hasUsage), (shape.ModelStart >= 0, shape.HasUsage));
        var field = new ModelField("org/m+1");
        var (once, apart) = (new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>());
        field.Write(once, bytes, shape);
        field.Write(apart, bytes);
        Assert.Equal(Encoding.UTF8.GetString(apart.WrittenSpan), Encoding.UTF8.GetString(once.WrittenSpan));
        Assert.Equal(apart.WrittenCount, field.LengthOf(bytes, ModelField.Find(bytes)));
    }
}
