namespace OpenMaas.Inference.Grammar;

/// <summary>A JSON Schema the grammar converter cannot enforce; <see cref="Keyword"/> is the schema path of the keyword
/// at fault (e.g. <c>properties.age.minimum</c>).</summary>
public sealed class UnsupportedSchemaException(string keyword, string message) : Exception(message)
{
    public string Keyword { get; } = keyword;
}
