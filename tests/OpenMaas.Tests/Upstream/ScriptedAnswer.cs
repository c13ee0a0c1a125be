using System.Text;
using System.Text.Json;

namespace OpenMaas.Tests.Upstream;

/// <summary>What the scripted engine (<see cref="StubEngine.Script"/>) answers: reasoning (as vLLM's
/// <c>reasoning_content</c>), text and tool calls, in OpenAI's chat shape, streamed in small fragments (the arguments of
/// each call in three pieces) or whole. No tool-calling model runs on this machine: this stands in for one.</summary>
public sealed record ScriptedAnswer(string? Reasoning, string? Content, IReadOnlyList<(string Id, string Name, string Arguments)> Calls)
{
    public static ScriptedAnswer Text(string content, string? reasoning = null) => new(reasoning, content, []);

    public static ScriptedAnswer Call(string id, string name, string arguments, string? reasoning = null) => new(reasoning, null, [(id, name, arguments)]);

    private string Finish => Calls.Count > 0 ? "tool_calls" : "stop";

    public string Whole()
    {
        var message = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = Content };
        if (Reasoning is not null)
        {
            message["reasoning_content"] = Reasoning;
        }

        if (Calls.Count > 0)
        {
            message["tool_calls"] = Calls.Select(c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray();
        }

        return JsonSerializer.Serialize(new
        {
            id = "c1",
            @object = "chat.completion",
            model = "stub-model",
            choices = new[] { new { index = 0, message, finish_reason = Finish } },
            usage = new { prompt_tokens = 21, completion_tokens = 13, total_tokens = 34 },
        });
    }

    public string Events(bool usage)
    {
        var events = new StringBuilder();
        void Delta(object delta, string? finish = null) => events.Append("data: ").Append(JsonSerializer.Serialize(new
        {
            id = "c1",
            @object = "chat.completion.chunk",
            model = "stub-model",
            choices = new[] { new { index = 0, delta, finish_reason = finish } },
        })).Append("\n\n");

        Delta(new { role = "assistant", content = "" });
        foreach (var piece in Pieces(Reasoning))
        {
            Delta(new { reasoning_content = piece });
        }

        foreach (var piece in Pieces(Content))
        {
            Delta(new { content = piece });
        }

        for (var i = 0; i < Calls.Count; i++)
        {
            var (id, name, arguments) = Calls[i];
            Delta(new { tool_calls = new[] { new { index = i, id, type = "function", function = new { name, arguments = "" } } } });
            foreach (var piece in Pieces(arguments))
            {
                Delta(new { tool_calls = new[] { new { index = i, function = new { arguments = piece } } } });
            }
        }

        Delta(new { }, Finish);
        if (usage)
        {
            events.Append("""data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":21,"completion_tokens":13,"total_tokens":34}}""").Append("\n\n");
        }

        return events.Append("data: [DONE]\n\n").ToString();
    }

    private static IEnumerable<string> Pieces(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var size = Math.Max(1, (text.Length + 2) / 3);
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }
}
