using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>Clients that leave mid-stream, many of them: every slot and queue place comes back. 2,000 streams are
/// dropped after their first chunk, 16 at a time (the measure of issue 20/22); then the scheduler must be empty and
/// the whole capacity (every slot and every queue place at once) must be served.</summary>
[Trait("Category", "Slow")]
public sealed class AbortedStreamsTests(AbortedStreamsTests.SmallServer server) : IClassFixture<AbortedStreamsTests.SmallServer>
{
    private const int Slots = 4;
    private const int Queue = 28;

    public sealed class SmallServer : ServerFixture
    {
        protected override IEnumerable<string> Settings =>
            [$"Inference:ParallelSequences={Slots}", $"Inference:QueueLimit={Queue}", "Inference:ContextSize=256", "Quota:DailyCalls=100000"];
    }

    private static HttpRequestMessage Request(int maxTokens, bool stream) => new(HttpMethod.Post, "/v1/completions")
    {
        Content = JsonContent.Create(new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = maxTokens, temperature = 0, ignore_eos = true, stream }),
    };

    [Fact]
    public async Task TwoThousandStreamsDroppedAfterTheirFirstChunk_LeaveNoSlotOrQueuePlaceTaken()
    {
        const int streams = 2000;
        const int atOnce = 16;
        using var http = server.CreateClient(drainResponses: false);
        var next = -1;
        var dropped = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        await Task.WhenAll(Enumerable.Range(0, atOnce).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < streams)
            {
                using var cts = new CancellationTokenSource();
                var response = await http.SendAsync(Request(200, stream: true), HttpCompletionOption.ResponseHeadersRead, cts.Token);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
                    if (await body.ReadAsync(new byte[64], cts.Token) > 0)
                    {
                        Interlocked.Increment(ref dropped);
                    }

                    // Leaves with the rest of the stream unread: the connection closes (no drain).
                    await cts.CancelAsync();
                }

                response.Dispose();
            }
        })));

        // Most streams were admitted and dropped mid-way (a stream may find the capacity taken by streams whose
        // disconnect the server has not seen yet: that is a 503, not a leak).
        Assert.True(dropped >= streams / 2, $"only {dropped} of {streams} streams were dropped after a first chunk; statuses: {string.Join(", ", statuses)}");
        Assert.All(statuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));

        var runtime = server.Services.GetRequiredService<LlamaRuntime>();
        await Eventually.WaitAsync(
            () => runtime.Loaded.Single(m => m.Id == TestAssets.StoriesId) is { ActiveSequences: 0, QueuedSequences: 0 },
            "the scheduler to have no active or queued sequence after the dropped streams");

        // The whole capacity at once: one stuck slot or queue place would turn one of these into a 503.
        using var client = server.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, Slots + Queue).Select(async _ =>
        {
            using var response = await client.SendAsync(Request(5, stream: false));
            return response.StatusCode;
        }));
        Assert.All(answers, s => Assert.Equal(HttpStatusCode.OK, s));
    }
}
