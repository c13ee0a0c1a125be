using System.Text.Json;
using OpenMaas.Inference.Grammar;

namespace OpenMaas.Tests.Inference;

public sealed class JsonSchemaGrammarTests
{
    [Fact]
    public void FromSchema_ListsRequiredPropertiesFirst_AndEachOptionalOne()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""
            {"type":"object","properties":{"nick":{"type":"string"},"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}
            """));
        Assert.StartsWith("root ::= answer\n", grammar, StringComparison.Ordinal);
        Assert.Contains("""answer ::= "{" space "\"name\"" space ":" space string "," space "\"age\"" space ":" space integer (",", space "\"nick\"" space ":" space string)? "}" space""".Replace("\",\",", "\",\"", StringComparison.Ordinal), grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_CompilesEnumsArraysBoundsAndReferences()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""
            {"$defs":{"pet":{"type":"object","properties":{"kind":{"enum":["cat","dog",3,null]}},"required":["kind"]}},
             "type":"object","properties":{"pets":{"type":"array","items":{"$ref":"#/$defs/pet"},"minItems":1,"maxItems":3},
             "code":{"type":"string","minLength":2,"maxLength":4},"score":{"type":["number","null"]},"ok":{"const":true}},"required":["pets"]}
            """));
        Assert.Contains("""("\"cat\"" | "\"dog\"" | "3" | "null") space""", grammar, StringComparison.Ordinal);
        Assert.Contains("""ref-pet ::= """, grammar, StringComparison.Ordinal);
        Assert.Contains("""ref-pet ("," space ref-pet){0,2}""", grammar, StringComparison.Ordinal);
        Assert.Contains("""char{2,4}""", grammar, StringComparison.Ordinal);
        Assert.Contains("""number | null""", grammar, StringComparison.Ordinal);
        Assert.Contains("\"true\" space", grammar, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "pattern")]
    [InlineData("""{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}""", "properties.age.minimum")]
    [InlineData("""{"allOf":[{"type":"string"}]}""", "allOf")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"https://x/s.json"}}}""", "properties.a.$ref")]
    [InlineData("""{"type":"object","properties":{"d":{"type":"string","format":"date-time"}}}""", "properties.d.format")]
    [InlineData("""{"type":"tuple"}""", "type")]
    [InlineData("""{"type":"string","minLength":2000000000}""", "minLength")] // llama.cpp would expand it into two billion rules
    [InlineData("""{"type":"array","items":{"type":"string"},"maxItems":1001}""", "maxItems")]
    [InlineData("""{"$ref":"#/$defs/x","$defs":{"x":{"$ref":"#/$defs/x"}}}""", "$ref.$ref")] // x ::= x crashed llama.cpp's grammar parser
    [InlineData("""{"$ref":"#/$defs/x","$defs":{"x":{"anyOf":[{"$ref":"#/$defs/y"},{"type":"string"}]},"y":{"$ref":"#/$defs/x"}}}""", "$ref.anyOf.0.$ref.$ref")]
    public void FromSchema_RefusesWhatItCannotEnforce_NamingTheKeyword(string schema, string keyword)
    {
        var e = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaGrammar.FromSchema(Schema(schema)));
        Assert.Equal(keyword, e.Keyword);
        Assert.Contains(keyword, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_RefusesASchemaWhoseGrammarWouldBeHuge()
    {
        var hugeEnum = "{\"type\":\"string\",\"enum\":[" + string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"\"v{i}\"")) + "]}";
        var e = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaGrammar.FromSchema(Schema(hugeEnum)));
        Assert.Contains("grammar of", e.Message, StringComparison.Ordinal);
        Assert.NotNull(JsonSchemaGrammar.FromSchema(Schema("{\"type\":\"string\",\"enum\":[" + string.Join(',', Enumerable.Range(0, 200).Select(i => $"\"v{i}\"")) + "]}")));
    }

    [Fact]
    public void FromSchema_TakesARecursiveReferenceThatConsumesInputFirst()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}}}}}"""));
        Assert.Matches("ref-node-body ::= \"\\{\"", grammar);
        Assert.Contains("ref-node", grammar[(grammar.IndexOf("ref-node-body ::=", StringComparison.Ordinal) + 17)..], StringComparison.Ordinal); // recursion inside the object
    }

    [Fact]
    public void GenericToolCall_OffersEachFunctionWithItsOwnArguments_OrAResponse()
    {
        var grammar = ToolCallGrammar.Generic(
        [
            ("get_weather", Schema("""{"$defs":{"c":{"type":"string"}},"type":"object","properties":{"city":{"$ref":"#/$defs/c"}},"required":["city"]}""")),
            ("noop", Schema("""{"$defs":{"c":{"type":"integer"}},"type":"object","properties":{"n":{"$ref":"#/$defs/c"}}}""")),
        ], parallel: false, allowResponse: true);
        Assert.StartsWith("root ::= tool-call | response\n", grammar, StringComparison.Ordinal);
        Assert.Contains("call ::= call0 | call1\n", grammar, StringComparison.Ordinal);
        Assert.Contains("tool-call ::= \"{\" space \"\\\"tool_call\\\"\" space \":\" space call \"}\" space\n", grammar, StringComparison.Ordinal);
        Assert.Contains("response ::= \"{\" space \"\\\"response\\\"\" space \":\" space string \"}\" space\n", grammar, StringComparison.Ordinal);
        Assert.Contains("\"\\\"get_weather\\\"\"", grammar, StringComparison.Ordinal);

        // Each tool's $defs resolve within its own parameters: two definitions named "c" stay apart.
        Assert.Contains("ref-call0-args-c ::= string\n", grammar, StringComparison.Ordinal);
        Assert.Contains("ref-call1-args-c ::= integer\n", grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void GenericToolCall_Required_IsCallsOnly_AndParallelIsAListOfOneOrMore()
    {
        var grammar = ToolCallGrammar.Generic([("f", Schema("""{"type":"object","properties":{}}"""))], parallel: true, allowResponse: false);
        Assert.StartsWith("root ::= tool-calls\n", grammar, StringComparison.Ordinal);
        Assert.Contains("\"[\" space call0 (\",\" space call0)* \"]\" space", grammar, StringComparison.Ordinal);
        Assert.DoesNotContain("response", grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyObject_IsTheGenericObjectRule() =>
        Assert.StartsWith("root ::= object\n", JsonSchemaGrammar.AnyObject(), StringComparison.Ordinal);

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement;
}
