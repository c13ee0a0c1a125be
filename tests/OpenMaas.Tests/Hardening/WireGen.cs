using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace OpenMaas.Tests.Hardening;

/// <summary>A tool call: its id, the function's name and its arguments (a JSON object, compact).</summary>
internal sealed record FuzzCall(string Id, string Name, string Arguments);

/// <summary>One exchange of a conversation: the user's text (after the results of the previous exchange's calls), the
/// assistant's text and calls, and what each call returned (and whether it failed).</summary>
internal sealed record FuzzTurn(string User, string Assistant, FuzzCall[] Calls, string[] Results, bool[] Errors);

/// <summary>Generators of valid wire content for the mapper properties: text with any character a client may send
/// (quotes, escapes, control characters, CJK, emoji as whole pairs), function names, call ids, JSON arguments.</summary>
internal static class WireGen
{
    public static readonly Gen<string> Text = Gen.OneOf(
            "a", "Once upon a time", " ", "\"", "\\", "\n", "\t", "\u0001", "é", "中文", "😀", "</s>", "{\"x\":1}", "[", "\\u0041", "null", "'", "<|im_end|>", "\r\n")
        .Array[1, 6].Select(string.Concat);

    private static readonly Gen<string> Name = Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"], Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_-"].Array[0, 20],
        (first, rest) => first + new string(rest));

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (3, Text.Select(s => (JsonNode?)JsonValue.Create(s))),
        (2, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Int[-1000, 1000].Select(n => (JsonNode?)JsonValue.Create(n / 8.0))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Const((JsonNode?)null)));

    private static Gen<JsonNode?> Value(int depth) => depth == 0 ? Scalar : Gen.Frequency(
        (4, Scalar),
        (1, Value(depth - 1).Array[0, 3].Select(items => (JsonNode?)new JsonArray(items))),
        (1, Object(depth - 1).Select(o => (JsonNode?)o)));

    private static Gen<JsonObject> Object(int depth) =>
        Gen.Select(Text, Value(depth)).Array[0, 4].Select(members =>
        {
            var o = new JsonObject();
            foreach (var (key, value) in members)
            {
                o[key] = value?.DeepClone();
            }

            return o;
        });

    public static readonly Gen<string> Arguments = Object(2).Select(o => o.ToJsonString());

    /// <summary>Calls whose ids are unique in the whole conversation (<paramref name="turn"/> numbers them).</summary>
    private static Gen<FuzzCall[]> Calls(int turn) =>
        Gen.Select(Name, Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"].Array[1, 24], Arguments).Array[0, 3]
            .Select(calls => calls.Select((c, i) => new FuzzCall($"call_{turn}_{i}_{new string(c.Item2)}", c.Item1, c.Item3)).ToArray());

    private static Gen<FuzzTurn> Turn(int turn) =>
        Calls(turn).SelectMany(calls => Gen.Select(Text, Text, Text.Array[calls.Length], Gen.Bool.Array[calls.Length],
            (user, assistant, results, errors) => new FuzzTurn(user, assistant, calls, results, errors)));

    /// <summary>One to three exchanges, then the user's closing text.</summary>
    public static readonly Gen<(FuzzTurn[] Turns, string Last)> Conversation =
        Gen.Select(Gen.Int[1, 3], Text, (n, last) => (n, last)).SelectMany(t =>
            Gen.Select(Turn(0), Turn(1), Turn(2), (a, b, c) => (new[] { a, b, c }[..t.n], t.last)));

    /// <summary>Every function a conversation calls, declared once.</summary>
    public static JsonArray Functions(FuzzTurn[] turns, Func<string, JsonObject> declare) =>
        [.. turns.SelectMany(t => t.Calls).Select(c => c.Name).Distinct().Select(n => (JsonNode)declare(n))];

    public static JsonObject Schema() => new() { ["type"] = "object" };

    public static bool SameJson(string a, string b) => JsonElement.DeepEquals(JsonDocument.Parse(a).RootElement, JsonDocument.Parse(b).RootElement);
}
