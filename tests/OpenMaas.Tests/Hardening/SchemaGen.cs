using System.Text.Json;
using CsCheck;

namespace OpenMaas.Tests.Hardening;

/// <summary>JSON Schemas for fuzzing the schema-to-grammar converter: every keyword it reads, with values of the wrong
/// type, out of range or huge; property names and enum values with any character; reference loops and self-references;
/// deep nesting; huge enums and objects of many optional properties.</summary>
internal static class SchemaGen
{
    private static readonly Gen<string> Key = Gen.OneOf("a", "b", "", "with space", "quote\"", "back\\slash", "nul\u0000", "tab\t", "é", "中", "😀", "$ref", "-", "0");

    private static readonly Gen<string> Number = Gen.OneOf("0", "1", "3", "-1", "1.5", "1e300", "1000", "1001", "2147483648", "\"3\"", "null", "true", "[]", "{}");

    private static string Str(string s) => JsonSerializer.Serialize(s);

    private static Gen<string> Leaf() => Gen.OneOf(
        Gen.OneOf("{}", "true", "false", "null", "1", "\"string\"", "[]"),
        Gen.OneOf("string", "integer", "number", "boolean", "null", "object", "array", "bogus", "").Select(t => $$"""{"type":{{Str(t)}}}"""),
        Gen.OneOf("5", "null", "[1,\"string\"]", "[]", "[\"string\",\"null\",\"string\"]", "{}", "true").Select(t => $$"""{"type":{{t}}}"""),
        Gen.Select(Gen.OneOf("minLength", "maxLength", "minItems", "maxItems"), Number, Number, (k, a, b) => "{\"type\":\"" + (k.Contains("Items") ? "array" : "string") + "\",\"" + k + "\":" + a + ",\"" + k.Replace("min", "max") + "\":" + b + "}"),
        Key.Array[1, 5].Select(values => "{\"enum\":[" + string.Join(",", values.Select(Str)) + ",1,-0.0,1e400,null,true,{\"x\":[1,\"\\u0000\"]}]}"),
        Gen.Int[0, 30_000].Select(n => "{\"enum\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"v{i}\"")) + "]}"),
        Gen.OneOf("5", "[]", "{}", "\"x\"", "null").Select(v => $$"""{"enum":{{v}}}"""),
        Key.Select(k => $$"""{"const":{{Str(k)}}}"""),
        Gen.OneOf("#", "#/$defs/missing", "#/$defs/", "#/definitions/a", "http://example.com/s", "#/properties/a", "5").Select(r => $$"""{"$ref":{{Str(r)}}}"""),
        Gen.OneOf("5", "null", "[]", "{}", "true").Select(r => $$"""{"$ref":{{r}}}"""),
        Gen.OneOf("pattern", "format", "minimum", "allOf", "not", "if", "unknownKeyword").Select(k => "{\"" + k + "\":{}}"),
        Gen.OneOf("\"a\"", "[1]", "5", "{}", "null", "[\"a\",\"a\",\"zz\"]").Select(r => "{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":" + r + "}"),
        Gen.OneOf("[]", "5", "null", "\"a\"", "{\"a\":5}", "{\"a\":null}").Select(p => $$"""{"type":"object","properties":{{p}}}"""),
        Gen.OneOf("5", "null", "[]", "{\"type\":5}", "true", "false").Select(a => $$"""{"type":"object","additionalProperties":{{a}}}"""),
        Gen.OneOf("5", "[{}]", "null", "true", "false").Select(i => $$"""{"type":"array","items":{{i}}}"""),
        Gen.OneOf("{}", "[]", "5", "null").Select(o => $$"""{"anyOf":{{o}}}"""),
        Gen.Int[0, 3_000].Select(n => "{\"type\":\"object\",\"properties\":{" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"p{i}\":{{}}")) + "}}"),
        Gen.OneOf(
            """{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""",
            """{"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}]}},"$ref":"#/$defs/a"}""",
            """{"$defs":{"a":{"type":"array","items":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}""",
            """{"$defs":{"a":{"type":"object","properties":{"n":{"$ref":"#/$defs/a"}},"required":["n"]}},"$ref":"#/$defs/a"}""",
            """{"definitions":{"a":{"oneOf":[{"$ref":"#/definitions/b"}]},"b":{"anyOf":[{"$ref":"#/definitions/a"},{"type":"string"}]}},"$ref":"#/definitions/a"}""",
            """{"$defs":{"a b":{"type":"string"},"a-b":{"type":"integer"}},"anyOf":[{"$ref":"#/$defs/a b"},{"$ref":"#/$defs/a-b"}]}"""),
        Gen.Int[1, 25].Select(d => string.Concat(Enumerable.Repeat("""{"type":"object","properties":{"n":""", d)) + "{}" + new string('}', 2 * d)),
        Gen.Int[1, 25].Select(d => string.Concat(Enumerable.Repeat("""{"anyOf":[""", d)) + "{\"type\":\"string\"}" + string.Concat(Enumerable.Repeat("]}", d))));

    /// <summary>Schemas nested up to <paramref name="depth"/> levels of combinators and containers.</summary>
    public static Gen<string> Schema(int depth)
    {
        var leaf = Leaf();
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Schema(depth - 1);
        return Gen.Frequency(
            (3, leaf),
            (2, Gen.Select(Gen.Select(Key, inner).Array[0, 4], Key.Array[0, 3], Gen.OneOf("true", "false", "{}", "{\"type\":\"integer\"}"), (props, required, extra) =>
                "{\"type\":\"object\",\"properties\":{" + string.Join(",", props.Select(p => $"{Str(p.Item1)}:{p.Item2}")) + "},\"required\":[" + string.Join(",", required.Select(Str)) + "],\"additionalProperties\":" + extra + "}")),
            (1, Gen.Select(inner, Number, (items, min) => $$"""{"type":"array","items":{{items}},"minItems":{{min}}}""")),
            (1, inner.Array[1, 4].Select(all => $$"""{"anyOf":[{{string.Join(",", all)}}]}""")),
            (1, inner.Array[1, 3].Select(all => $$"""{"oneOf":[{{string.Join(",", all)}}]}""")),
            (1, Gen.Select(Key, inner, inner, (name, d, use) => "{\"$defs\":{" + Str(name) + ":" + d + ",\"x\":" + use + "},\"$ref\":" + Str("#/$defs/" + name) + "}")),
            (1, Gen.Select(Key, inner, (name, d) => "{\"$defs\":{" + Str(name) + ":{\"anyOf\":[" + d + ",{\"$ref\":" + Str("#/$defs/" + name) + "}]}},\"$ref\":" + Str("#/$defs/" + name) + "}")));
    }
}
