using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Protocols.Anthropic;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Protocols.OpenAI.ResponsesApi;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Property-based fuzzing (CsCheck) of the streamed event translation: a generated generation (reasoning, text, tool
/// calls whose arguments arrive in any fragments, any end) driven through the real loop and each surface's encoder
/// (OpenAI chat, Anthropic Messages, Responses) makes events that are each JSON, and a client that puts them back
/// together gets the same reasoning, text, call ids, names and arguments. The Responses answer, read back as the next
/// request's conversation, keeps its calls (the Responses↔chat round trip); the collected Anthropic answer keeps them as
/// tool_use blocks. Budget: <see cref="Fuzz"/>.
/// </summary>
public sealed class StreamMapperFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 300;

    /// <summary>A generation as a runtime would hand it over.</summary>
    internal sealed record Generation(string[] Reasoning, string[] Text, (FuzzCall Call, int[] Cuts)[] Calls, FinishReason Finish, int Prompt, int Completion)
    {
        public string AllText => string.Concat(Text);

        public string AllReasoning => string.Concat(Reasoning);

        public IEnumerable<GenerationChunk> Chunks()
        {
            foreach (var r in Reasoning)
            {
                yield return new GenerationChunk(string.Empty, null, Prompt, 0) { Reasoning = r };
            }

            foreach (var t in Text)
            {
                yield return new GenerationChunk(t, null, Prompt, 0);
            }

            for (var i = 0; i < Calls.Length; i++)
            {
                var (call, cuts) = Calls[i];
                var at = cuts.Select(c => c % (call.Arguments.Length + 1)).Append(0).Append(call.Arguments.Length).Distinct().Order().ToArray();
                for (var f = 0; f + 1 < at.Length; f++)
                {
                    yield return new GenerationChunk(string.Empty, null, Prompt, 0)
                    {
                        ToolCall = new ToolCallDelta(i, f == 0 ? call.Id : null, f == 0 ? call.Name : null, call.Arguments[at[f]..at[f + 1]]),
                    };
                }
            }

            yield return new GenerationChunk(string.Empty, Finish, Prompt, Completion);
        }
    }

    private static readonly Gen<Generation> Generations =
        Gen.Select(WireGen.Text.Array[0, 3], WireGen.Text.Array[0, 4], Gen.Select(Gen.Const(0), Gen.Int[0, int.MaxValue].Array[0, 4]).Array[0, 3],
                Gen.Int[0, 1], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000_000])
            .SelectMany(g => WireGen.Arguments.Array[g.Item3.Length].Select(args => new Generation(
                g.Item1, g.Item2, [.. g.Item3.Select((c, i) => (new FuzzCall($"call_{i}", $"f{i}", args[i]), c.Item2))],
                g.Item3.Length > 0 ? FinishReason.ToolCalls : (FinishReason)g.Item4, g.Item5, g.Item6)));

    [Fact]
    public void ChatStream_PutBackTogether_IsTheGeneration() =>
        Fuzz.Run(Generations, g =>
        {
            var (text, reasoning, calls) = (new StringBuilder(), new StringBuilder(), new SortedDictionary<int, (string Id, string Name, StringBuilder Args)>());
            string? finish = null;
            foreach (var (_, data) in Stream(g, new ChatEncoder(new CompletionIds("chatcmpl-1", 1, "a/b"), includeUsage: true)))
            {
                if (data is not { } e || e.GetProperty("choices").GetArrayLength() == 0)
                {
                    continue;
                }

                var choice = e.GetProperty("choices")[0];
                finish ??= choice.GetProperty("finish_reason").GetString();
                var delta = choice.GetProperty("delta");
                text.Append(delta.TryGetProperty("content", out var c) ? c.GetString() : null);
                reasoning.Append(delta.TryGetProperty("reasoning_content", out var r) ? r.GetString() : null);
                foreach (var t in delta.TryGetProperty("tool_calls", out var tc) ? tc.EnumerateArray() : default)
                {
                    var index = t.GetProperty("index").GetInt32();
                    var f = t.GetProperty("function");
                    if (!calls.ContainsKey(index))
                    {
                        calls[index] = (t.GetProperty("id").GetString()!, f.GetProperty("name").GetString()!, new StringBuilder());
                    }

                    calls[index].Args.Append(f.TryGetProperty("arguments", out var a) ? a.GetString() : null);
                }
            }

            Assert.Equal((g.AllText, g.AllReasoning), (text.ToString(), reasoning.ToString()));
            Assert.Equal(g.Calls.Select(c => c.Call), calls.Values.Select(c => new FuzzCall(c.Id, c.Name, c.Args.ToString())));
            Assert.Equal(g.Finish switch { FinishReason.Length => "length", FinishReason.ToolCalls => "tool_calls", _ => "stop" }, finish);
        }, Iterations, output);

    [Fact]
    public void MessagesStream_PutBackTogether_IsTheGeneration() =>
        Fuzz.Run(Generations, g =>
        {
            var blocks = new SortedDictionary<int, (string Type, string? Id, string? Name, StringBuilder Content)>();
            foreach (var (name, data) in Stream(g, new MessagesEncoder("msg_1", "a/b")))
            {
                var e = data!.Value;
                Assert.Equal(name, e.GetProperty("type").GetString());
                if (name == "content_block_start")
                {
                    var b = e.GetProperty("content_block");
                    var type = b.GetProperty("type").GetString()!;
                    blocks.Add(e.GetProperty("index").GetInt32(), (type, type == "tool_use" ? b.GetProperty("id").GetString() : null, type == "tool_use" ? b.GetProperty("name").GetString() : null, new StringBuilder()));
                }
                else if (name == "content_block_delta")
                {
                    var d = e.GetProperty("delta");
                    var piece = d.GetProperty("type").GetString() switch
                    {
                        "text_delta" => d.GetProperty("text").GetString(),
                        "thinking_delta" => d.GetProperty("thinking").GetString(),
                        "input_json_delta" => d.GetProperty("partial_json").GetString(),
                        _ => null,
                    };
                    blocks[e.GetProperty("index").GetInt32()].Content.Append(piece);
                }
            }

            Assert.Equal(g.AllReasoning, string.Concat(blocks.Values.Where(b => b.Type == "thinking").Select(b => b.Content)));
            Assert.Equal(g.AllText, string.Concat(blocks.Values.Where(b => b.Type == "text").Select(b => b.Content)));
            var uses = blocks.Values.Where(b => b.Type == "tool_use").ToList();
            Assert.Equal(g.Calls.Select(c => (c.Call.Id, c.Call.Name)), uses.Select(u => (u.Id!, u.Name!)));
            for (var i = 0; i < uses.Count; i++)
            {
                Assert.True(WireGen.SameJson(g.Calls[i].Call.Arguments, uses[i].Content.ToString()), $"{g.Calls[i].Call.Arguments} became {uses[i].Content}");
            }
        }, Iterations, output);

    [Fact]
    public void MessagesAnswer_KeepsEveryCallAsAToolUseBlock() =>
        Fuzz.Run(Generations, g =>
        {
            var result = Collect(g);
            var answer = MessagesMapping.ToResponse("msg_1", "a/b", result);
            var json = JsonSerializer.SerializeToElement(answer, AnthropicJson.Default.MessagesResponse);
            var uses = json.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "tool_use").ToList();
            Assert.Equal(g.Calls.Select(c => (c.Call.Id, c.Call.Name)), uses.Select(u => (u.GetProperty("id").GetString()!, u.GetProperty("name").GetString()!)));
            for (var i = 0; i < uses.Count; i++)
            {
                Assert.True(WireGen.SameJson(g.Calls[i].Call.Arguments, uses[i].GetProperty("input").GetRawText()));
            }

            Assert.Equal(g.AllText, string.Concat(json.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString())));
        }, Iterations, output);

    [Fact]
    public void ResponsesStream_PutBackTogether_IsTheGeneration_AndReadsBackAsTheNextConversation() =>
        Fuzz.Run(Generations, g =>
        {
            var request = new ValidatedResponses { Model = "a/b", Input = [], Sampling = new SamplingOptions() };
            var encoder = new ResponsesEncoder(new ResponseHead("resp_1", 1, "a/b", request), persist: null);
            var (text, reasoning, items) = (new StringBuilder(), new StringBuilder(), new Dictionary<string, (string CallId, string Name, StringBuilder Args)>());
            var sequence = 0;
            foreach (var (name, data) in Stream(g, encoder))
            {
                var e = data!.Value;
                Assert.Equal(name, e.GetProperty("type").GetString());
                Assert.Equal(sequence++, e.GetProperty("sequence_number").GetInt32());
                switch (name)
                {
                    case "response.output_text.delta":
                        text.Append(e.GetProperty("delta").GetString());
                        break;
                    case "response.reasoning_summary_text.delta":
                        reasoning.Append(e.GetProperty("delta").GetString());
                        break;
                    case "response.output_item.added" when e.GetProperty("item").GetProperty("type").GetString() == "function_call":
                        var item = e.GetProperty("item");
                        items.Add(item.GetProperty("id").GetString()!, (item.GetProperty("call_id").GetString()!, item.GetProperty("name").GetString()!, new StringBuilder()));
                        break;
                    case "response.function_call_arguments.delta":
                        items[e.GetProperty("item_id").GetString()!].Args.Append(e.GetProperty("delta").GetString());
                        break;
                }
            }

            Assert.Equal((g.AllText, g.AllReasoning), (text.ToString(), reasoning.ToString()));
            Assert.Equal(g.Calls.Select(c => c.Call), items.Values.Select(c => new FuzzCall(c.CallId, c.Name, c.Args.ToString())));

            // The stored answer, read back as the next request's conversation: the calls are the assistant's again.
            var next = ResponseWriter.OutputConversation(Encoding.UTF8.GetString(encoder.Final!)).ToList();
            var prompt = ResponsesValidation.ToPrompt(null, [new ConversationItem { Type = "message", Id = "msg_0", Role = "user", Text = "go" }, .. next]);
            Assert.Equal(g.Calls.Select(c => c.Call), prompt.Messages.SelectMany(m => m.ToolCalls ?? []).Select(c => new FuzzCall(c.Id, c.Name, c.Arguments)));
            Assert.Equal(g.AllText, string.Concat(prompt.Messages.Where(m => m.Role == "assistant").Select(m => m.Content)));
        }, Iterations, output);

    /// <summary>The events of <paramref name="g"/> through the real generation loop and <paramref name="encoder"/>:
    /// (event name or null, data as JSON or null for <c>[DONE]</c>).</summary>
    private static List<(string? Name, JsonElement? Data)> Stream(Generation g, IGenerationEncoder encoder)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        using (var streamed = new StreamedOutput(http, encoder, Call(), TimeProvider.System))
        {
            GenerationLoop.RunAsync(new Scripted(g), streamed, null, "a/b", NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult();
        }

        var events = new List<(string?, JsonElement?)>();
        foreach (var e in Encoding.UTF8.GetString(body.ToArray()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = e.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..];
            var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            events.Add((name, data == "[DONE]" ? null : JsonDocument.Parse(data).RootElement.Clone()));
        }

        return events;
    }

    private static GenerationResult Collect(Generation g) =>
        GenerationLoop.CollectAsync(new Scripted(g), null, "a/b", NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult();

    private static InferenceCall Call() => new()
    {
        Caller = new ClaimsPrincipal(),
        Model = new ModelRecord { Id = "a/b", FilePath = string.Empty },
        Endpoint = new CallEndpoint("fuzz", "fuzz"),
        StartedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>The generated chunks as a runtime's stream (the input under test, not a stand-in for a model's
    /// behaviour).</summary>
    private sealed record Scripted(Generation G) : PreparedGeneration.Driven
    {
        public override async IAsyncEnumerable<GenerationChunk> Run([EnumeratorCancellation] CancellationToken ct)
        {
            foreach (var chunk in G.Chunks())
            {
                ct.ThrowIfCancellationRequested();
                yield return chunk;
            }

            await Task.CompletedTask;
        }
    }
}
