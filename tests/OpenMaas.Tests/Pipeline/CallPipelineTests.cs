using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Server.Hosting;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.Pipeline;

/// <summary>The steps in order, each able to stop the call before admission without costing it.</summary>
public sealed class CallPipelineTests
{
    private readonly PipelineHarness _h = new();

    private (DefaultHttpContext Http, FakePreparer Preparer) Setup(Func<FakeRequest, string>? prepare = null)
    {
        var preparer = new FakePreparer(prepare);
        var services = new ServiceCollection().AddSingleton<ICallPreparer<FakeRequest, string>>(preparer).BuildServiceProvider();
        return (PipelineHarness.Http(services: services), preparer);
    }

    [Fact]
    public async Task Run_GoesThroughEveryStep_AndRespondsOnce()
    {
        _h.Catalog.Models["a/b"] = PipelineHarness.Model();
        var (http, preparer) = Setup();
        var adapter = new FakeAdapter("a/b");

        await _h.Pipeline().RunAsync(http, adapter);

        Assert.Equal(1, preparer.Prepared);
        Assert.Equal(1, adapter.Responded);
        var record = Assert.Single(_h.Usage.Records);
        Assert.Equal(("test", "fake", true), (record.Protocol, record.Endpoint, record.Counted));
        Assert.Same(adapter.Call!.Model, _h.Catalog.Models["a/b"]);
    }

    [Fact]
    public async Task Run_UnknownModel_Is404_BeforeAnythingElse()
    {
        var (http, preparer) = Setup();
        var adapter = new FakeAdapter("no/such");

        var e = await Assert.ThrowsAsync<CallException>(() => _h.Pipeline().RunAsync(http, adapter));

        Assert.Equal((404, "model_not_found"), (e.Status, e.Code));
        Assert.Equal((0, 0), (preparer.Prepared, adapter.Responded));
        Assert.Empty(_h.Usage.Records);
    }

    [Fact]
    public async Task Run_ModelWithoutApiInference_Is403_AndNeverPrepared()
    {
        _h.Catalog.Models["a/b"] = PipelineHarness.Model(apiInference: false);
        var (http, preparer) = Setup();

        var e = await Assert.ThrowsAsync<CallException>(() => _h.Pipeline().RunAsync(http, new FakeAdapter("a/b")));

        Assert.Equal((403, "model_not_api_inference"), (e.Status, e.Code));
        Assert.Equal(0, preparer.Prepared);
    }

    [Fact]
    public async Task Run_AnAuthorizerRefusing_StopsTheCall_BeforePreparationAndAdmission()
    {
        _h.Catalog.Models["a/b"] = PipelineHarness.Model();
        var (http, preparer) = Setup();
        var adapter = new FakeAdapter("a/b");

        var e = await Assert.ThrowsAsync<CallException>(() => _h.Pipeline(new RefusingAuthorizer(200)).RunAsync(http, adapter));

        Assert.Equal((403, "model_not_allowed"), (e.Status, e.Code));
        Assert.Equal((0, 0), (preparer.Prepared, adapter.Responded));
        Assert.Empty(_h.Usage.Records);
        Assert.False(http.Response.Headers.ContainsKey(QuotaResponses.LimitHeader));
    }

    [Fact]
    public async Task Run_ABadRequestFoundWhilePreparing_CostsNoCall()
    {
        _h.Catalog.Models["a/b"] = PipelineHarness.Model();
        var (http, _) = Setup(_ => throw CallException.BadRequest("too long", "messages", "context_length_exceeded"));
        var adapter = new FakeAdapter("a/b");

        var e = await Assert.ThrowsAsync<CallException>(() => _h.Pipeline().RunAsync(http, adapter));

        Assert.Equal(400, e.Status);
        Assert.Equal(0, adapter.Responded);
        Assert.Empty(_h.Usage.Records);
        Assert.False(http.Response.Headers.ContainsKey(QuotaResponses.LimitHeader));
    }

    [Fact]
    [Trait("Category", "Slow")] // builds the whole server
    public async Task EveryInferenceRoute_IsMappedThroughThePipeline()
    {
        var data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));
        await using var app = ServerApp.Build([$"--Data:Path={data}", "--Server:Urls=http://127.0.0.1:0"]);
        try
        {
            var posts = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
                .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
                .ToList();

            Assert.Contains(posts, e => e.RoutePattern.RawText == "/v1/chat/completions");
            // Anthropic's count_tokens is the one free POST: it resolves and authorizes, and admits nothing.
            Assert.All(posts.Where(e => e.RoutePattern.RawText != "/v1/messages/count_tokens"), e => Assert.NotNull(e.Metadata.GetMetadata<InferenceEndpointMetadata>()));
            Assert.Contains(posts, e => e.RoutePattern.RawText == "/v1/messages");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
