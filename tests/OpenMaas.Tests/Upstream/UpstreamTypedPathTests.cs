using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;
using OpenMaas.Server.Runtimes.TextGeneration;

using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Tests.Upstream;

/// <summary>The typed path other surfaces use (Anthropic, the playground, the task API): a neutral request becomes one
/// streamed OpenAI request to the engine, whose events come back as neutral chunks with the engine's token counts.</summary>
[Trait("Category", "Slow")]
public sealed class UpstreamTypedPathTests
{
    [Fact]
    public async Task Generation_StreamsTheConversation_AsChunks_WithTheEnginesUsage()
    {
        await using var engine = await StubEngine.StartAsync();
        var gateway = await StubGateway.StartAsync([engine]);
        try
        {
            var engines = gateway.Services.GetRequiredService<EngineDeployments>();
            var request = new TextGenerationRequest
            {
                Model = StubGateway.ModelId,
                Endpoint = OpenAIEndpoints.ChatCompletions,
                Prompt = new PromptInput.Chat([new ChatMessage("user", "hi")]),
                MaxTokens = 8,
                Sampling = new SamplingOptions { Temperature = 0 },
            };

            var chunks = new List<GenerationChunk>();
            await foreach (var chunk in engines.Generation(StubGateway.ModelId, request).Run(CancellationToken.None))
            {
                chunks.Add(chunk);
            }

            Assert.Equal(["Hello", " from", " stub.", ""], chunks.Select(c => c.Text));
            Assert.Equal(new GenerationChunk("", FinishReason.Stop, 5, 3), chunks[^1]);
            Assert.All(chunks.SkipLast(1), c => Assert.Null(c.Finish));
            Assert.Equal("Bearer " + StubGateway.EngineKey, engine.LastAuthorization);

            var unknown = new ModelRecord { Id = "nobody/none", Format = ModelFormats.Upstream, Task = ModelTasks.TextGeneration, FilePath = string.Empty };
            var error = await Assert.ThrowsAsync<CallException>(async () => await engines.RequireAsync(unknown, ModelTasks.IsTextGeneration, CancellationToken.None));
            Assert.Equal((500, "model_load_failed"), (error.Status, error.Code));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
