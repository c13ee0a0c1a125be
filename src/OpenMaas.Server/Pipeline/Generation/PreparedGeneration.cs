using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// A text generation ready to run, in the form its preparer chose: driven by the responder's one loop (a local model,
/// or an engine answering in neutral chunks, <c>Runtimes/Engines/EngineGeneration</c>), or passed through as bytes to an engine that speaks the caller's protocol.
/// </summary>
public abstract record PreparedGeneration
{
    private PreparedGeneration()
    {
    }

    /// <summary>A generation the responder's loop drives, chunk by chunk.</summary>
    public abstract record Driven : PreparedGeneration
    {
        internal Driven()
        {
        }

        /// <summary>Starts the generation. Cancelling <paramref name="ct"/> (the client left) stops it.</summary>
        public abstract IAsyncEnumerable<GenerationChunk> Run(CancellationToken ct);
    }

    /// <summary>A local model with the rendered, tokenized prompt and the final options.</summary>
    /// <param name="Model">The loaded model.</param>
    /// <param name="Prompt">The rendered, tokenized prompt (it fits the context with room for one token).</param>
    /// <param name="Options">Sampling options with <c>MaxTokens</c> bounded by the room left in the context.</param>
    public sealed record Local(ITextGenerationModel Model, PreparedPrompt Prompt, SamplingOptions Options) : Driven
    {
        /// <inheritdoc/>
        public override IAsyncEnumerable<GenerationChunk> Run(CancellationToken ct) => Model.Generate(Prompt, Options, ct);
    }

    /// <summary>A model served by engines that speak the caller's protocol: the request and answer pass as bytes.</summary>
    /// <param name="Request">The client's request as sent.</param>
    public sealed record PassThrough(PassThroughRequest Request) : PreparedGeneration;
}
