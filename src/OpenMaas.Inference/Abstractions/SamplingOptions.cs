namespace OpenMaas.Inference.Abstractions;

/// <summary>How to sample and when to stop. Temperature 0 means greedy and deterministic.</summary>
public sealed record SamplingOptions
{
    public int MaxTokens { get; init; } = 256;

    public float Temperature { get; init; } = 1f;

    public float TopP { get; init; } = 1f;

    /// <summary>0 disables top-k.</summary>
    public int TopK { get; init; }

    public uint? Seed { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public float PresencePenalty { get; init; }

    public float FrequencyPenalty { get; init; }

    /// <summary>llama-server's extension: keep generating past end-of-generation tokens.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>A GBNF grammar (root rule <c>root</c>) the output must match, or null (see <c>Grammar/JsonSchemaGrammar</c>).</summary>
    public string? Grammar { get; init; }
}
