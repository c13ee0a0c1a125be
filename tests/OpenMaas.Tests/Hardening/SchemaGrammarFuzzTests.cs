using System.Text.Json;
using CsCheck;
using OpenMaas.Inference.Grammar;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Property-based fuzzing (CsCheck) of the JSON-Schema-to-grammar converter and the tool-call grammar over hostile
/// schemas (<see cref="SchemaGen"/>): each makes a grammar or is refused with <see cref="UnsupportedSchemaException"/>
/// (a 400 naming the keyword), never another exception, and no grammar is longer than the converter's bound (no
/// blow-up: huge enums, many properties and deep nesting are refused, not expanded). That llama.cpp parses the grammars
/// is checked in <see cref="SchemaGrammarParseFuzzTests"/>. Budget: <see cref="Fuzz"/>.
/// </summary>
public sealed class SchemaGrammarFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 1500;

    /// <summary>The largest grammar a schema may make: the converter's bound plus its fixed primitives.</summary>
    internal const int MaxGrammar = JsonSchemaGrammar.MaxGrammarChars + 4096;

    [Fact]
    public void JsonSchemaGrammar_OnHostileSchemas_MakesABoundedGrammarOrRefusesTheSchema() =>
        Fuzz.Run(SchemaGen.Schema(3), schema =>
        {
            if (Convert(schema) is { } grammar)
            {
                Assert.StartsWith("root ::= ", grammar, StringComparison.Ordinal);
                Assert.True(grammar.Length <= MaxGrammar, $"a grammar of {grammar.Length} characters");
            }
        }, Iterations, output);

    [Fact]
    public void ToolCallGrammar_OnHostileParameterSchemas_MakesABoundedGrammarOrRefuses() =>
        Fuzz.Run(Gen.Select(SchemaGen.Schema(2).Array[1, 3], Gen.Bool, Gen.Bool), t =>
        {
            var (schemas, parallel, allowResponse) = t;
            var documents = schemas.Select(s => JsonDocument.Parse(s)).ToList();
            try
            {
                var grammar = ToolCallGrammar.Generic([.. documents.Select((d, i) => ($"f{i}", d.RootElement))], parallel, allowResponse);
                Assert.True(grammar.Length <= MaxGrammar * schemas.Length, $"a grammar of {grammar.Length} characters");
            }
            catch (UnsupportedSchemaException)
            {
            }
            finally
            {
                documents.ForEach(d => d.Dispose());
            }
        }, Iterations / 3, output);

    /// <summary>The grammar of <paramref name="schema"/>, or null when the converter refuses it.</summary>
    internal static string? Convert(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        try
        {
            return JsonSchemaGrammar.FromSchema(document.RootElement);
        }
        catch (UnsupportedSchemaException)
        {
            return null;
        }
    }
}
