using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// A protocol-neutral text-generation request (OpenAI chat and text completions, Anthropic messages, the console's
/// playground): every field already checked by its wire adapter. The <c>…Param</c> names say which field of the
/// caller's wire format a later 400 (prompt too long, <c>max_tokens</c> beyond the context) is blamed on.
/// </summary>
public sealed record TextGenerationRequest : IInferenceRequest
{
    /// <inheritdoc/>
    public required string Model { get; init; }

    /// <inheritdoc/>
    public required CallEndpoint Endpoint { get; init; }

    /// <summary>A conversation or a raw prompt.</summary>
    public required PromptInput Prompt { get; init; }

    /// <summary>The most tokens to generate; null means as many as the context leaves.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Sampling and stop settings (its <see cref="SamplingOptions.MaxTokens"/> is set by the preparer).</summary>
    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>Answer as a stream of chunks rather than one response.</summary>
    public bool Stream { get; init; }

    /// <summary>Also report token usage at the end of a stream (OpenAI's <c>stream_options.include_usage</c>).</summary>
    public bool StreamUsage { get; init; }

    /// <summary>The wire field holding the prompt (<c>messages</c>, <c>prompt</c>).</summary>
    public string PromptParam { get; init; } = "messages";

    /// <summary>A <see cref="MaxTokens"/> beyond the model's context is lowered to what the context leaves instead of
    /// refused (Anthropic's clients send large required defaults such as 4096 or 32000).</summary>
    public bool CapMaxTokensToContext { get; init; }

    /// <summary>The wire field holding the token limit (<c>max_tokens</c>, <c>max_completion_tokens</c>).</summary>
    public string MaxTokensParam { get; init; } = "max_tokens";

    /// <summary>Whether and which tool must be called (the tools themselves are on <see cref="PromptInput.Chat.Tools"/>).</summary>
    public ToolChoice ToolChoice { get; init; } = ToolChoice.Auto;

    /// <summary>The wire field holding the tool choice (<c>tool_choice</c>), for a later 400.</summary>
    public string ToolsParam { get; init; } = "tools";

    /// <summary>False when the caller allows at most one tool call per turn (<c>parallel_tool_calls: false</c>,
    /// Anthropic's <c>disable_parallel_tool_use</c>); null when not said.</summary>
    public bool? ParallelToolCalls { get; init; }

    /// <summary>The shape the answer's text must have; null means free text.</summary>
    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>The wire field holding the response format (<c>response_format</c>), for a later 400.</summary>
    public string ResponseFormatParam { get; init; } = "response_format";

    /// <summary>The thinking switches, or null when the caller said nothing.</summary>
    public ThinkingOptions? Thinking { get; init; }

    /// <summary>The wire field holding the thinking switch (<c>enable_thinking</c>, <c>thinking</c>), for a later 400.</summary>
    public string ThinkingParam { get; init; } = "thinking";

    /// <summary>The request as the client sent it, when its protocol is the one engines speak (OpenAI's): a model served
    /// by engines then gets it as is (every field, not only those modelled here).</summary>
    public PassThroughRequest? PassThrough { get; init; }
}
