using System.Text;
using System.Text.Json;
using CsCheck;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Request bodies for fuzzing a JSON reader: random bytes, random runs of JSON tokens, and structure-aware mutations of
/// valid requests — any value at any depth replaced by one of another type (huge and odd numbers, strings with NUL or
/// half a surrogate pair, deep nesting, long strings, another part of the same request), keys removed or sent twice —
/// then, sometimes, bytes that are not UTF-8 (or a raw NUL) put in or the body cut short.
/// </summary>
internal static class JsonMutations
{
    /// <summary>Bodies for a reader whose valid requests include <paramref name="valid"/>.</summary>
    public static Gen<byte[]> Bodies(params string[] valid) =>
        Gen.Frequency((1, Gen.Byte.Array[0, 64]), (1, Tokens), (8, Mutated(valid)));

    /// <summary>Structure-aware mutations of <paramref name="valid"/> (and the valid bodies themselves).</summary>
    public static Gen<byte[]> Mutated(params string[] valid)
    {
        var documents = valid.Select(v => JsonDocument.Parse(v).RootElement.Clone()).ToArray();
        var edit = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, Replacements - 1], Gen.Int[0, 100_000]);
        var bytes = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 7], Gen.Byte);
        return Gen.Select(Gen.Int[0, documents.Length - 1], edit.Array[0, 4], Gen.Frequency((4, bytes.Array[0, 0]), (1, bytes.Array[1, 2])), (which, edits, damage) =>
        {
            var root = documents[which];
            var count = Count(root);
            var plan = new Dictionary<int, (int Kind, int Size)>();
            foreach (var (at, kind, size) in edits)
            {
                plan[at % count] = (kind, size);
            }

            var text = new StringBuilder();
            var index = 0;
            Write(root, text, plan, root, ref index);
            var body = Encoding.UTF8.GetBytes(text.ToString());
            foreach (var (at, kind, value) in damage)
            {
                body = Damage(body, at, kind, value);
            }

            return body;
        });
    }

    /// <summary>Runs of JSON tokens, valid and not, in any order.</summary>
    private static readonly Gen<byte[]> Tokens = Gen.OneOf(
            "{", "}", "[", "]", ",", ":", "\"model\"", "\"messages\"", "\"input\"", "\"role\"", "\"content\"", "\"type\"", "\"x\"",
            "null", "true", "1", "-0", "1e999", "99999999999999999999", "\"\\ud800\"", "\"\\u0000\"", "\"\\", "\"", "nul", " ")
        .Array[0, 40].Select(tokens => Encoding.UTF8.GetBytes(string.Concat(tokens)));

    private const int Replacements = 30;

    /// <summary>The JSON text of replacement <paramref name="kind"/>; <paramref name="size"/> scales it.</summary>
    private static string Replacement(int kind, int size, JsonElement original, JsonElement root) => kind switch
    {
        0 => "null",
        1 => "true",
        2 => "0",
        3 => "-1",
        4 => "1.5",
        5 => "1e400",
        6 => "-1e400",
        7 => "123456789012345678901234567890",
        8 => "9223372036854775808",
        9 => "2147483648",
        10 => "-2147483649",
        11 => "1E-400",
        12 => "\"\"",
        13 => "\"x\"",
        14 => "\"a\\u0000b\"",
        15 => "\"\\ud800\"",
        16 => "\"\\udc00x\\ud800\"",
        17 => "[]",
        18 => "{}",
        19 => "[null]",
        20 => "{\"\":null}",
        21 => new string('[', 1 + (size % 200)) + new string(']', 1 + (size % 200)),
        22 => string.Concat(Enumerable.Repeat("{\"a\":", 1 + (size % 200))) + "1" + new string('}', 1 + (size % 200)),
        23 => "\"" + new string('a', size) + "\"",
        24 => "[" + string.Join(",", Enumerable.Repeat(original.GetRawText(), 1 + (size % 50))) + "]",
        25 => "{\"x\":" + original.GetRawText() + "}",
        26 => Nth(root, size).GetRawText(), // another part of the same request: a plausible shape in the wrong place
        27 => "\"" + new string('\u00e9', size % 1000) + "\\\"\\\\\\/\\b\\f\\n\\r\\t\\u20AC\"",
        28 => "-0.0e-0",
        _ => "\"\\uD83D\\uDE00\\uDBFF\\uDFFF\"",
    };

    // Kinds at and over Replacements - 3 on an object member remove it or send its key twice (see Write).
    private static bool Removes(int kind) => kind == Replacements - 1;

    private static bool Duplicates(int kind) => kind == Replacements - 2;

    private static void Write(JsonElement e, StringBuilder text, Dictionary<int, (int Kind, int Size)> plan, JsonElement root, ref int index)
    {
        if (plan.TryGetValue(index, out var edit) && !Removes(edit.Kind) && !Duplicates(edit.Kind))
        {
            text.Append(Replacement(edit.Kind, edit.Size, e, root));
            index += Count(e);
            return;
        }

        index++;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var p in e.EnumerateObject())
                {
                    var member = plan.TryGetValue(index, out var m) ? m.Kind : -1;
                    if (Removes(member))
                    {
                        index += Count(p.Value);
                        continue;
                    }

                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    if (Duplicates(member))
                    {
                        text.Append(JsonSerializer.Serialize(p.Name)).Append(":null,");
                    }

                    text.Append(JsonSerializer.Serialize(p.Name)).Append(':');
                    Write(p.Value, text, plan, root, ref index);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    text.Append(i++ == 0 ? string.Empty : ",");
                    Write(item, text, plan, root, ref index);
                }

                text.Append(']');
                break;
            default:
                text.Append(e.GetRawText());
                break;
        }
    }

    /// <summary>Bytes put in (not UTF-8, a raw NUL), changed, or the body cut at <paramref name="at"/>.</summary>
    private static byte[] Damage(byte[] body, int at, int kind, byte value)
    {
        var i = body.Length == 0 ? 0 : at % body.Length;
        byte[] insert = kind switch
        {
            0 => [0xFF],
            1 => [0xC3], // the first byte of a two-byte sequence, alone
            2 => [0xED, 0xA0, 0x80], // a surrogate encoded as UTF-8 (CESU-8)
            3 => [0x00],
            4 => [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
            5 => [0xC0, 0x80], // an overlong NUL
            _ => [],
        };
        return kind switch
        {
            6 => body[..i],
            7 when body.Length > 0 => [.. body[..i], value, .. body[(i + 1)..]],
            _ => [.. body[..i], .. insert, .. body[i..]],
        };
    }

    /// <summary>The number of values in <paramref name="e"/>, itself included.</summary>
    private static int Count(JsonElement e) => 1 + e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Sum(p => Count(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Sum(Count),
        _ => 0,
    };

    /// <summary>The value at pre-order position <paramref name="n"/> (modulo the count) of <paramref name="root"/>.</summary>
    private static JsonElement Nth(JsonElement root, int n)
    {
        var target = n % Count(root);
        return Find(root, ref target)!.Value;

        static JsonElement? Find(JsonElement e, ref int left)
        {
            if (left-- == 0)
            {
                return e;
            }

            var children = e.ValueKind switch
            {
                JsonValueKind.Object => e.EnumerateObject().Select(p => p.Value),
                JsonValueKind.Array => e.EnumerateArray(),
                _ => [],
            };
            foreach (var child in children)
            {
                if (Find(child, ref left) is { } found)
                {
                    return found;
                }
            }

            return null;
        }
    }
}
