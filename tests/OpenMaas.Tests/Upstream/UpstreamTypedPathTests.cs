using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Tests.Upstream;

/// <summary>The typed path other surfaces use (Anthropic, the playground): a neutral request becomes an OpenAI request
/// to the engine, its answer one chunk with the engine's token counts; a busy engine is the scheduler's "busy".</summary>
[Trait("Category", "Slow")]
public sealed class UpstreamTypedPathTests
{
    [Fact]
    public async Task Generate_SendsTheConversation_AndReturnsTheAnswerWithUsage()
    {
        await using var engine = await StubEngine.StartAsync();
        var gateway = await StubGateway.StartAsync([engine]);
        try
        {
            var runtime = gateway.Services.GetRequiredService<UpstreamRuntime>();
            var descriptor = new ModelDescriptor(StubGateway.ModelId, string.Empty, UpstreamRuntime.Format, DateTimeOffset.UnixEpoch);
            Assert.True(runtime.CanServe(descriptor));
            var model = await runtime.GetAsync(descriptor, CancellationToken.None);
            var prompt = model.Prepare(new PromptInput.Chat([new ChatMessage("user", "hi")]));
            Assert.Equal(0, prompt.TokenCount);

            var chunks = new List<GenerationChunk>();
            await foreach (var chunk in model.Generate(prompt, new SamplingOptions { MaxTokens = 8, Temperature = 0 }, CancellationToken.None))
            {
                chunks.Add(chunk);
            }

            Assert.Equal(new GenerationChunk("Hello from stub.", FinishReason.Stop, 5, 3), Assert.Single(chunks));
            Assert.Equal("Bearer " + StubGateway.EngineKey, engine.LastAuthorization);

            await Assert.ThrowsAsync<ModelLoadException>(async () =>
                await runtime.GetAsync(descriptor with { Id = "nobody/none" }, CancellationToken.None));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
