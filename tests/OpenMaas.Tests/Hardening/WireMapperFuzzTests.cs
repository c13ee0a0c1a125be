using System.Text;
using CsCheck;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Protocols.Anthropic;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Protocols.OpenAI.ResponsesApi;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Property-based fuzzing (CsCheck) of the wire mappers on generated valid conversations: the same conversation — turns
/// with tool calls (ids, names, JSON arguments with any text) and their results — said as an OpenAI chat request, an
/// Anthropic Messages request and a Responses request, maps without an exception to the same neutral conversation: every
/// call's id, name and arguments and every result's call id and text preserved. The stream encoders are fuzzed in
/// <see cref="StreamMapperFuzzTests"/>. Budget: <see cref="Fuzz"/>.
/// </summary>
public sealed class WireMapperFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 500;

    [Fact]
    public void ChatRequest_KeepsEveryToolCallAndResult() =>
        Fuzz.Run(WireGen.Conversation, c =>
        {
            var body = WireRequests.Chat(c.Turns, c.Last);
            var prompt = (PromptInput.Chat)Read(new ChatCompletionsAdapter(null!, TimeProvider.System).ReadAsync, body).Prompt;
            AssertSameConversation(c.Turns, c.Last, prompt, anthropic: false, exactArguments: true);
        }, Iterations, output);

    [Fact]
    public void MessagesRequest_KeepsEveryToolUseAndResult() =>
        Fuzz.Run(WireGen.Conversation, c =>
        {
            var body = WireRequests.Messages(c.Turns, c.Last);
            var prompt = (PromptInput.Chat)Read(new MessagesAdapter(null!).ReadAsync, body).Prompt;
            AssertSameConversation(c.Turns, c.Last, prompt, anthropic: true, exactArguments: false);
        }, Iterations, output);

    [Fact]
    public void ResponsesRequest_KeepsEveryFunctionCallAndOutput() =>
        Fuzz.Run(WireGen.Conversation, c =>
        {
            var body = WireRequests.Responses(c.Turns, c.Last);
            var prompt = (PromptInput.Chat)Read(new ResponsesAdapter(null!, null!, TimeProvider.System).ReadAsync, body).Generation.Prompt;
            AssertSameConversation(c.Turns, c.Last, prompt, anthropic: false, exactArguments: true);
        }, Iterations, output);

    private static T Read<T>(Func<Microsoft.AspNetCore.Http.HttpContext, ValueTask<T>> read, string body) =>
        read(RequestReaderFuzzTests.Request(Encoding.UTF8.GetBytes(body), "application/json")).AsTask().GetAwaiter().GetResult();

    /// <summary>The neutral conversation says what was generated: user texts, assistant calls, tool results, in order.</summary>
    private static void AssertSameConversation(FuzzTurn[] turns, string last, PromptInput.Chat prompt, bool anthropic, bool exactArguments)
    {
        var expected = new List<string>();
        var previous = (FuzzTurn?)null;
        foreach (var turn in turns.Append(null))
        {
            for (var i = 0; previous is not null && i < previous.Calls.Length; i++)
            {
                var error = anthropic && previous.Errors[i];
                expected.Add($"tool {previous.Calls[i].Id} {error} {(error ? "Error: " : string.Empty)}{previous.Results[i]}");
            }

            expected.Add($"user {turn?.User ?? last}");
            if (turn is not null)
            {
                expected.Add($"assistant {turn.Assistant}");
                expected.AddRange(turn.Calls.Select(c => $"call {c.Id} {c.Name}"));
            }

            previous = turn;
        }

        // An assistant turn is its text, then its calls: one message (chat, Anthropic) or a message and function_call
        // items (Responses, whose call items make assistant messages of their own).
        var actual = prompt.Messages.SelectMany(m => m.Role switch
        {
            "tool" => [$"tool {m.ToolCallId} {m.IsError} {m.Content}"],
            "assistant" => (m.Content.Length > 0 || m.ToolCalls is null ? [$"assistant {m.Content}"] : Enumerable.Empty<string>())
                .Concat((m.ToolCalls ?? []).Select(c => $"call {c.Id} {c.Name}")),
            _ => [$"{m.Role} {m.Content}"],
        }).ToList();
        Assert.Equal(expected, actual);

        var calls = turns.SelectMany(t => t.Calls).Select(c => c.Arguments).ToList();
        var mapped = prompt.Messages.SelectMany(m => m.ToolCalls ?? []).Select(c => c.Arguments).ToList();
        Assert.Equal(calls.Count, mapped.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            Assert.True(exactArguments ? calls[i] == mapped[i] : WireGen.SameJson(calls[i], mapped[i]), $"arguments {calls[i]} became {mapped[i]}");
        }
    }
}
