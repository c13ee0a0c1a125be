using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>A text generation ready to run: the loaded model, the rendered and tokenized prompt, the final options.</summary>
/// <param name="Model">The loaded model.</param>
/// <param name="Prompt">The rendered, tokenized prompt (it fits the context with room for one token).</param>
/// <param name="Options">Sampling options with <c>MaxTokens</c> bounded by the room left in the context.</param>
public sealed record PreparedGeneration(ITextGenerationModel Model, PreparedPrompt Prompt, SamplingOptions Options);
