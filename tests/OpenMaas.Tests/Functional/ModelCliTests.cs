using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>The `model` verbs, run as a separate process on the data folder of a running server.</summary>
[Trait("Category", "Slow")]
public sealed class ModelCliTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ModelAddedByTheCli_IsServedWithoutRestart_AndRemovedModelIsGone()
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(server.DataPath, null, "model", "add", TestAssets.StoriesGguf, "--id", "tests/stories-copy");
        Assert.True(rc == 0, stderr);
        Assert.Contains("architecture: llama", stdout);
        Assert.Contains("292,800", stdout);
        Assert.Contains("context:      2048", stdout);
        var copied = Path.Combine(server.DataPath, "models", "tests", "stories-copy", "stories260K.gguf");
        Assert.True(File.Exists(copied));

        using var http = server.CreateClient();
        using var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        Assert.Contains(models.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "tests/stories-copy");

        using (var response = await http.PostAsJsonAsync("/v1/completions", new { model = "tests/stories-copy", prompt = "Once upon a time", max_tokens = 40, temperature = 0 }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(TestAssets.StoriesGreedy40, doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        }

        (rc, stdout, _) = await Cli.RunAsync(server.DataPath, null, "model", "list");
        Assert.Equal(0, rc);
        Assert.Contains("tests/stories-copy", stdout);

        (rc, _, stderr) = await Cli.RunAsync(server.DataPath, null, "model", "remove", "tests/stories-copy");
        Assert.True(rc == 0, stderr);
        Assert.False(File.Exists(copied));
        using var gone = await http.PostAsJsonAsync("/v1/completions", new { model = "tests/stories-copy", prompt = "x", max_tokens = 1 });
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("a/b/c")]
    public async Task ModelAdd_RejectsInvalidIds(string id)
    {
        var (rc, _, stderr) = await Cli.RunAsync(server.DataPath, null, "model", "add", TestAssets.StoriesGguf, "--id", id);
        Assert.NotEqual(0, rc);
        Assert.Contains("Invalid model ID", stderr);
    }

    [Fact]
    public async Task ModelAdd_RejectsAFileThatIsNotGguf()
    {
        var (rc, _, stderr) = await Cli.RunAsync(server.DataPath, null, "model", "add", Path.Combine(TestAssets.SharedFolder, "models", "mnist-8.onnx"), "--id", "tests/not-gguf");
        Assert.NotEqual(0, rc);
        Assert.Contains("Cannot read", stderr);
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var (rc, stdout, _) = await Cli.RunAsync(server.DataPath, null, "--help");
        Assert.Equal(0, rc);
        Assert.Contains("serve", stdout);
        Assert.Contains("model", stdout);
    }
}
