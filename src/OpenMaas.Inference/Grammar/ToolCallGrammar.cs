using System.Text.Json;

namespace OpenMaas.Inference.Grammar;

/// <summary>
/// The grammar of llama.cpp's <em>generic</em> tool-call format (<c>common_chat_params_init_generic</c> in its
/// <c>common/chat.cpp</c>), which llama-server uses for models whose chat template knows no tools: the answer is one
/// JSON object, either <c>{"tool_call": {"name": …, "arguments": …}}</c> (with parallel calls
/// <c>{"tool_calls": [{…}, …]}</c>, at least one) or — unless a call is required — <c>{"response": …}</c>, a string, or
/// the value the response format asks for. Each call's <c>name</c> is one of the tools and its <c>arguments</c> match
/// that tool's parameters schema. Unlike llama.cpp, no model-written <c>id</c> is asked for with parallel calls: the
/// server names each call itself.
/// </summary>
public static class ToolCallGrammar
{
    /// <summary>Compiles the generic format for <paramref name="tools"/> (name and parameters schema).</summary>
    /// <param name="tools">The functions the model may call (at least one).</param>
    /// <param name="parallel">Ask for <c>tool_calls</c>, a list of one or more calls, instead of one <c>tool_call</c>.</param>
    /// <param name="allowResponse">Also allow <c>{"response": …}</c> (the model may answer instead of calling).</param>
    /// <param name="response">The response's schema (response_format json_schema), or null for a string.</param>
    /// <param name="anyObjectResponse">The response is any JSON object (response_format json_object).</param>
    /// <exception cref="UnsupportedSchemaException">A schema uses a keyword the grammar cannot enforce.</exception>
    public static string Generic(
        IReadOnlyList<(string Name, JsonElement Parameters)> tools, bool parallel, bool allowResponse, JsonElement? response = null, bool anyObjectResponse = false)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentOutOfRangeException.ThrowIfZero(tools.Count);
        var g = JsonSchemaGrammar.Builder();
        var calls = new List<string>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var args = g.AddSchema(tools[i].Parameters, $"call{i}-args", $"tools.{i}.parameters");
            var name = JsonSchemaGrammar.Literal(JsonSerializer.Serialize(tools[i].Name));
            calls.Add(g.AddRule($"call{i}", $"\"{{\" space {Key("name")} {name} space \",\" space {Key("arguments")} {args} \"}}\" space"));
        }

        var call = calls.Count == 1 ? calls[0] : g.AddRule("call", string.Join(" | ", calls));
        var root = parallel
            ? g.AddRule("tool-calls", $"\"{{\" space {Key("tool_calls")} \"[\" space {call} (\",\" space {call})* \"]\" space \"}}\" space")
            : g.AddRule("tool-call", $"\"{{\" space {Key("tool_call")} {call} \"}}\" space");
        if (allowResponse)
        {
            var value = response is { } schema ? g.AddSchema(schema, "response-value", string.Empty) : anyObjectResponse ? "object" : "string";
            root += " | " + g.AddRule("response", $"\"{{\" space {Key("response")} {value} \"}}\" space");
        }

        return g.Render(root);
    }

    private static string Key(string key) => $"{JsonSchemaGrammar.Literal($"\"{key}\"")} space \":\" space";
}
