using System.Runtime.CompilerServices;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// The typed path to an engine, for surfaces that do not speak OpenAI (Anthropic's, the console's, the task API): the
/// neutral request becomes one streamed OpenAI request (<see cref="EngineChatRequest"/>), and the engine's events come
/// back as neutral chunks (<see cref="EngineChunks"/>) for the responder's loop, as a local model's would. An engine
/// that answers with one JSON object instead of a stream is read whole.
/// </summary>
internal sealed record EngineGeneration(UpstreamInvoker Invoker, string ModelId, TextGenerationRequest Request) : PreparedGeneration.Driven
{
    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationChunk> Run(CancellationToken ct) => RunAsync(ct);

    private async IAsyncEnumerable<GenerationChunk> RunAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var chat = Request.Prompt is PromptInput.Chat;
        var path = chat ? "chat/completions" : "completions";
        await using var answer = await Invoker.SendAsync(
            new UpstreamRequest(ModelId, path, model => EngineChatRequest.Create(model, Request), Streaming: true, RequestId: null), ct);
        var chunks = new EngineChunks(chat);
        if (answer.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) != true)
        {
            foreach (var chunk in chunks.ReadWhole(await EngineAnswer.ReadObjectAsync(answer)))
            {
                yield return chunk;
            }

            yield break;
        }

        using var events = new EngineEventReader(answer);
        var pending = new Queue<GenerationChunk>();
        while (true)
        {
            var done = false;
            UpstreamException? failure = null;
            try
            {
                done = chunks.Take(events, pending);
            }
            catch (UpstreamException e)
            {
                // A bad event: what came before it still goes out, then the failure.
                failure = e;
            }

            while (pending.TryDequeue(out var chunk))
            {
                yield return chunk;
            }

            if (failure is not null)
            {
                throw failure;
            }

            if (done)
            {
                yield return chunks.Final();
                yield break;
            }

            if (!await events.ReadMoreAsync())
            {
                throw answer.Fail(UpstreamFailure.Malformed, "it ended the stream before [DONE].");
            }
        }
    }
}
