namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/chat/completions</c> body (the subset OpenMaaS honours; unknown fields are ignored).</summary>
public sealed record ChatCompletionRequest : SamplingRequest
{
    public IReadOnlyList<ChatMessageDto?>? Messages { get; init; }

    public int? MaxCompletionTokens { get; init; }
}

public sealed record ChatMessageDto(string? Role, MessageContent? Content, string? Name);

/// <summary><c>POST /v1/completions</c> body.</summary>
public sealed record CompletionRequest : SamplingRequest
{
    /// <summary>A string (a list of one string is accepted too).</summary>
    public PromptText? Prompt { get; init; }

    public string? Suffix { get; init; }

    public bool? Echo { get; init; }
}

/// <summary>Fields shared by chat and text completions.</summary>
public abstract record SamplingRequest
{
    public string Model { get; init; } = "";

    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public long? Seed { get; init; }

    public StopSequences? Stop { get; init; }

    public float? PresencePenalty { get; init; }

    public float? FrequencyPenalty { get; init; }

    public int? N { get; init; }

    public string? User { get; init; }

    public bool? Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }

    /// <summary>llama-server's extension: keep generating past end-of-generation.</summary>
    public bool? IgnoreEos { get; init; }
}

public sealed record StreamOptions(bool? IncludeUsage);
