using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>One sequence slot and no queue: a stream whose client leaves must give its slot back at once, so the next
/// request is admitted (with no queue, a busy slot would answer 503).</summary>
[Trait("Category", "Slow")]
public sealed class CancellationTests(CancellationTests.OneSlotServer server) : IClassFixture<CancellationTests.OneSlotServer>
{
    public sealed class OneSlotServer : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Inference:ParallelSequences=1", "Inference:QueueLimit=0"];
    }

    private const int LongGeneration = 2000;

    private static HttpRequestMessage Request(int maxTokens, bool stream) => new(HttpMethod.Post, "/v1/completions")
    {
        Content = JsonContent.Create(new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = maxTokens, temperature = 0, ignore_eos = true, stream }),
    };

    [Fact]
    public async Task CancelledStream_StopsItsSequenceAndFreesTheSlot()
    {
        using var http = server.CreateClient(drainResponses: false);
        using (var warm = await http.SendAsync(Request(5, stream: false)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var runtime = server.Services.GetRequiredService<LlamaRuntime>();
        var before = Model(runtime).GeneratedTokens;

        using (var cts = new CancellationTokenSource())
        {
            var longStream = await http.SendAsync(Request(LongGeneration, stream: true), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await using (var body = await longStream.Content.ReadAsStreamAsync(cts.Token))
            {
                Assert.True(await body.ReadAsync(new byte[64], cts.Token) > 0);
            }

            await cts.CancelAsync();
            longStream.Dispose();
        }

        // The sequence leaves the slot once the server sees the disconnect.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Model(runtime).ActiveSequences > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        var generated = Model(runtime).GeneratedTokens - before;
        Assert.True(generated < LongGeneration, $"the cancelled sequence ran on to {generated} tokens");

        // No queue: this is admitted only because the slot is free.
        using var next = await http.SendAsync(Request(5, stream: false));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private static LoadedModelInfo Model(LlamaRuntime runtime) => runtime.Loaded.Single(m => m.Id == TestAssets.StoriesId);
}
