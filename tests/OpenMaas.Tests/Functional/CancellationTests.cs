using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>One sequence slot only: a stream whose client leaves must hand its slot to the next request at once.</summary>
public sealed class CancellationTests(CancellationTests.OneSlotServer server) : IClassFixture<CancellationTests.OneSlotServer>
{
    public sealed class OneSlotServer : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Inference:ParallelSequences=1", "Inference:QueueLimit=8"];
    }

    private static HttpRequestMessage Request(int maxTokens, bool stream) => new(HttpMethod.Post, "/v1/completions")
    {
        Content = JsonContent.Create(new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = maxTokens, temperature = 0, ignore_eos = true, stream }),
    };

    [Fact]
    public async Task CancelledStream_FreesItsSlotForTheNextRequest()
    {
        using var http = server.CreateClient();

        // How long the long generation takes when nobody interrupts it (also warms the model up).
        var reference = Stopwatch.StartNew();
        using (var full = await http.SendAsync(Request(2000, stream: false)))
        {
            Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        }

        var fullDuration = reference.Elapsed;

        using var cts = new CancellationTokenSource();
        var longStream = await http.SendAsync(Request(2000, stream: true), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await using (var body = await longStream.Content.ReadAsStreamAsync(cts.Token))
        {
            var buffer = new byte[64];
            Assert.True(await body.ReadAsync(buffer, cts.Token) > 0);
        }

        await cts.CancelAsync();
        longStream.Dispose();
        var afterCancel = Stopwatch.StartNew();

        using var next = await http.SendAsync(Request(5, stream: false));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var waited = afterCancel.Elapsed;

        // Had the slot stayed busy, the next request would have waited for most of the long generation.
        Assert.True(waited < fullDuration / 2, $"next request took {waited.TotalMilliseconds:F0} ms; the long generation takes {fullDuration.TotalMilliseconds:F0} ms");
    }
}
