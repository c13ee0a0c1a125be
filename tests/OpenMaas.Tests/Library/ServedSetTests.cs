using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary>API-Inference follows popularity: with room for one <c>auto</c> model, likes and downloads move models into
/// and out of the served set, /v1/models follows, and a model outside it answers 403 model_not_api_inference.</summary>
[Trait("Category", "Slow")]
public sealed class ServedSetTests(ServedSetTests.TopOneServer server) : IClassFixture<ServedSetTests.TopOneServer>
{
    public sealed class TopOneServer : LibraryServer
    {
        protected override IEnumerable<string> Settings => ["Library:ApiInferenceTopN=1"];

        protected override Task SeedAsync() => RegisterModelAsync(TestAssets.StoriesGguf, "tests/rival", link: true);
    }

    [Fact]
    public async Task LikesAndDownloadsMoveModelsInAndOut_AndPinsOverrideTheRanking()
    {
        // Equal scores: the model registered first keeps its place.
        Assert.Equal([TestAssets.StoriesId], await server.ServedAsync());
        await AssertNotApiInferenceAsync("tests/rival");

        // One like (score 5) lifts the rival above stories (score 0).
        await server.Popularity.SetLikeAsync("tests/rival", 1, like: true);
        Assert.Equal(["tests/rival"], await server.ServedAsync());
        await AssertNotApiInferenceAsync(TestAssets.StoriesId);

        // Six downloads on six days (score 6) beat one like; the same user twice a day counts once.
        using var http = server.CreateClient();
        for (var day = 0; day < 6; day++)
        {
            for (var again = 0; again < 2; again++)
            {
                using var file = await http.GetAsync($"/api/v1/models/{TestAssets.StoriesId}/repo?Revision=master&FilePath=stories260K.gguf");
                Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            }

            server.DownloadClock.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(6, (await server.Catalog.FindAsync(TestAssets.StoriesId))!.Downloads);
        Assert.Equal([TestAssets.StoriesId], await server.ServedAsync());
        await AssertNotApiInferenceAsync("tests/rival");

        // Pinned on: served whatever its rank, and it takes no place of the top N.
        var (rc, stdout, stderr) = await Cli.RunAsync(server.DataPath, null, "model", "set", "tests/rival", "--api-inference", "on", "--license", "mit", "--tags", "a, b");
        Assert.True(rc == 0, stderr);
        Assert.Contains("API-Inference on (mode on)", stdout);
        Assert.Equal([TestAssets.StoriesId, "tests/rival"], await server.ServedAsync());
        var rival = await server.Catalog.FindAsync("tests/rival");
        Assert.Equal("mit", rival!.License);
        Assert.Equal(["a", "b"], rival.Tags);

        // Pinned off: never served, and the next in rank does not take its place while the top place is full.
        await server.Catalog.UpdateAsync(TestAssets.StoriesId, m => m.ApiInferenceMode = Core.Catalog.ApiInferenceMode.Off);
        Assert.Equal(["tests/rival"], await server.ServedAsync());
        await AssertNotApiInferenceAsync(TestAssets.StoriesId, "an admin turned it off");

        // Back to auto for both: the downloads stay in the window, so stories wins again.
        await server.Catalog.UpdateAsync("tests/rival", m => m.ApiInferenceMode = Core.Catalog.ApiInferenceMode.Auto);
        await server.Catalog.UpdateAsync(TestAssets.StoriesId, m => m.ApiInferenceMode = Core.Catalog.ApiInferenceMode.Auto);
        Assert.Equal([TestAssets.StoriesId], await server.ServedAsync());

        // Thirty days on, those downloads have left the window; the rival's like has not.
        server.DownloadClock.Advance(TimeSpan.FromDays(30));
        await server.Services.GetRequiredService<Core.Library.IApiInferencePolicy>().EvaluateAsync();
        Assert.Equal(["tests/rival"], await server.ServedAsync());
    }

    [Fact]
    public async Task ModelSet_RejectsAnUnknownMode()
    {
        var (rc, _, stderr) = await Cli.RunAsync(server.DataPath, null, "model", "set", "tests/rival", "--api-inference", "sometimes");
        Assert.NotEqual(0, rc);
        Assert.Contains("auto, on or off", stderr);
    }

    private async Task AssertNotApiInferenceAsync(string id, string? why = null)
    {
        using var http = server.CreateClient();
        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = id, prompt = "Once upon a time", max_tokens = 4 });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("model_not_api_inference", error.GetProperty("code").GetString());
        Assert.Contains("does not offer API-Inference", error.GetProperty("message").GetString());
        if (why is not null)
        {
            Assert.Contains(why, error.GetProperty("message").GetString());
        }

        using var get = await http.GetAsync($"/v1/models/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
    }
}
