using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Tests.Constraints;

/// <summary>llama.cpp's generic tool-call format on a local model: the reader turns what the model writes into text
/// and tool-call fragments however the text is cut into pieces; the prompt carries the tools, earlier calls and
/// results as llama-server renders them for a template without tool support.</summary>
public sealed class GenericToolFormatTests
{
    public static TheoryData<int> PieceSizes => new() { 1, 2, 3, 7, 1000 };

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void Reader_StreamsTheResponseStringUnescaped(int size)
    {
        var (text, calls, _) = Read("""{ "response": "Once \"upon\" a\ntime \u00e9\ud83d\ude00 \\ end" }""", size);
        Assert.Equal("Once \"upon\" a\ntime é😀 \\ end", text);
        Assert.Empty(calls);
    }

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void Reader_GivesOneCall_NameFirstThenItsArgumentsText(int size)
    {
        var (text, calls, chunks) = Read("""{"tool_call": {"name": "get_weather", "arguments": {"city": "Pa\"ris}", "days": [1, {"x": null}], "ok": true}}}""", size);
        Assert.Equal(string.Empty, text);
        var call = Assert.Single(calls);
        Assert.Equal(("get_weather", """{"city": "Pa\"ris}", "days": [1, {"x": null}], "ok": true}"""), (call.Name, call.Arguments));
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        var first = chunks.First(c => c.ToolCall is not null).ToolCall!;
        Assert.Equal(("get_weather", 0), (first.Name, first.Index));
    }

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void Reader_GivesParallelCallsByIndex(int size)
    {
        var (_, calls, _) = Read("""{"tool_calls": [{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"n": -1.5e3}}]}""", size);
        Assert.Equal([("a", "{}"), ("b", """{"n": -1.5e3}""")], calls.Select(c => (c.Name, c.Arguments)));
    }

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void Reader_PassesAResponseThatIsJson_AsItsText(int size)
    {
        var (text, calls, _) = Read("""{"response": {"name": "Tom", "tags": ["a", "}"]} }""", size);
        Assert.Equal("""{"name": "Tom", "tags": ["a", "}"]}""", text);
        Assert.Empty(calls);
        Assert.Equal("42", Read("""{"response": 42}""", size).Text);
    }

    [Fact]
    public void Reader_CutShort_KeepsWhatWasRead()
    {
        var (text, calls, _) = Read("""{"tool_call": {"name": "f", "arguments": {"q": "ab""", 4);
        Assert.Equal(string.Empty, text);
        Assert.Equal(("f", """{"q": "ab"""), (calls.Single().Name, calls.Single().Arguments));
    }

    [Fact]
    public void Prompt_AddsTheToolsToTheSystemMessage_AndRendersCallsAndResultsAsJson()
    {
        var parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;
        var chat = new PromptInput.Chat(
        [
            new ChatMessage("system", "Be brief."),
            new ChatMessage("user", "Weather in Paris?"),
            new ChatMessage("assistant", string.Empty) { ToolCalls = [new ToolCall("call_1", "get_weather", """{"city":"Paris"}""")] },
            new ChatMessage("tool", "sunny") { ToolCallId = "call_1" },
        ]);
        var tools = new[] { new ToolDefinition("get_weather", "Weather now", parameters) };

        var rendered = GenericToolPrompt.Render(chat, tools, parallel: false, required: false).Messages;

        Assert.Equal(["system", "user", "assistant", "user"], rendered.Select(m => m.Role));
        Assert.StartsWith("Be brief.\n\nRespond in JSON format, either with `tool_call`", rendered[0].Content, StringComparison.Ordinal);
        var listed = rendered[0].Content[(rendered[0].Content.IndexOf(": [", StringComparison.Ordinal) + 2)..];
        var tool = JsonDocument.Parse(listed).RootElement[0];
        Assert.Equal(("function", "get_weather", "Weather now"), (tool.GetProperty("type").GetString(), tool.GetProperty("function").GetProperty("name").GetString(), tool.GetProperty("function").GetProperty("description").GetString()));
        var call = JsonDocument.Parse(rendered[2].Content).RootElement.GetProperty("tool_calls")[0];
        Assert.Equal(("get_weather", "Paris", "call_1"), (call.GetProperty("name").GetString(), call.GetProperty("arguments").GetProperty("city").GetString(), call.GetProperty("id").GetString()));
        var result = JsonDocument.Parse(rendered[3].Content).RootElement.GetProperty("tool_response");
        Assert.Equal(("get_weather", "sunny", "call_1"), (result.GetProperty("tool").GetString(), result.GetProperty("content").GetString(), result.GetProperty("tool_call_id").GetString()));

        var withoutSystem = GenericToolPrompt.Render(new PromptInput.Chat([new ChatMessage("user", "hi")]), tools, parallel: true, required: true).Messages;
        Assert.Equal("system", withoutSystem[0].Role);
        Assert.StartsWith("Respond in JSON format with `tool_calls`", withoutSystem[0].Content, StringComparison.Ordinal);
    }

    private static (string Text, IReadOnlyList<ToolCall> Calls, IReadOnlyList<GenerationChunk> Chunks) Read(string output, int size)
    {
        var reader = new GenericToolOutputReader(() => "call_" + Guid.NewGuid().ToString("N"));
        var chunks = new List<GenerationChunk>();
        for (var i = 0; i < output.Length; i += size)
        {
            chunks.AddRange(reader.Read(output.Substring(i, Math.Min(size, output.Length - i))));
        }

        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        foreach (var c in chunks)
        {
            text.Append(c.Text);
            if (c.ToolCall is { } d)
            {
                var known = calls.TryGetValue(d.Index, out var k) ? k : (null, null, new StringBuilder());
                calls[d.Index] = (known.Id ?? d.Id, known.Name ?? d.Name, known.Arguments.Append(d.Arguments));
            }
        }

        Assert.Equal(calls.Count, reader.Calls);
        return (text.ToString(), [.. calls.Values.Select(c => new ToolCall(c.Id!, c.Name!, c.Arguments.ToString()))], chunks);
    }
}
