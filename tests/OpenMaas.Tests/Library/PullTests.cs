using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Server.Cli;
using OpenMaas.Core.Hub;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary><c>openmaas model pull</c> from one OpenMaaS to another on loopback.</summary>
[Trait("Category", "Slow")]
public sealed class PullTests(PullFixture instances) : IClassFixture<PullFixture>
{
    private PullFixture.HubServer Hub => instances.Hub;

    private PullFixture.EmptyServer Target => instances.Target;

    /// <summary>The real CLI, as a process.</summary>
    private Task<(int ExitCode, string Stdout, string Stderr)> PullAsync(params string[] args) =>
        Cli.RunAsync(Target.DataPath, null, ["model", "pull", .. args, "--endpoint", Hub.BaseAddress.ToString()]);

    /// <summary>The same puller in this process (what the verb runs, without starting a process each time).</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> PullInProcessAsync(string id, string? glob = null, string revision = "master")
    {
        await using var services = await CliServices.CreateAsync(Target.DataPath);
        var puller = services.GetRequiredService<ModelPuller>();
        using StringWriter stdout = new(), stderr = new();
        var rc = await puller.PullAsync(HubClient.Create(Hub.BaseAddress.ToString()), new ModelPuller.Request(id, revision, glob), NoPullProgress.Instance, stdout, stderr, CancellationToken.None);
        return (rc, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Pull_VerifiesRegistersAndServesTheModel()
    {
        var (rc, stdout, stderr) = await PullAsync(TestAssets.StoriesId);
        Assert.True(rc == 0, stdout + stderr);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(TestAssets.StoriesGguf)));
        Assert.Contains($"Verified stories260K.gguf (", stdout);
        Assert.Contains(sha, stdout);

        var pulled = await Target.Catalog.FindAsync(TestAssets.StoriesId);
        Assert.NotNull(pulled);
        Assert.Equal(sha, Assert.Single(pulled.Files).Sha256);
        Assert.StartsWith(Path.Combine(Target.DataPath, "models", "karpathy", "stories260K"), pulled.FilePath);
        Assert.Equal(1, (await Hub.Catalog.FindAsync(TestAssets.StoriesId))!.Downloads);

        using var http = Target.CreateClient();
        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = 40, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TestAssets.StoriesGreedy40, doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task InterruptedDownload_ResumesFromThePartialFile_AndKeepsTheCard()
    {
        var bytes = await File.ReadAllBytesAsync(TestAssets.StoriesGguf);
        var half = bytes.Length / 2;
        var folder = Path.Combine(Target.DataPath, "models", "tests", "resumable");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "stories260K.gguf.partial"), bytes[..half]);

        var (rc, stdout, stderr) = await PullAsync("tests/resumable");
        Assert.True(rc == 0, stdout + stderr);
        Assert.Contains($"resumed at byte {half:N0}", stdout);
        Assert.Equal([$"bytes={half}-"], Hub.FileRequests["/api/v1/models/tests/resumable/repo|stories260K.gguf"]);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(folder, "stories260K.gguf")));
        Assert.False(File.Exists(Path.Combine(folder, "stories260K.gguf.partial")));

        var model = (await Target.Catalog.FindAsync("tests/resumable"))!;
        Assert.Equal("mit", model.License);
        Assert.Equal(["tiny"], model.Tags);
        Assert.StartsWith("# stories260K", model.Readme);
        Assert.Equal(["README.md", "stories260K.gguf"], model.Files.Select(f => f.Path).Order());
    }

    [Fact]
    public async Task Sha256Mismatch_IsRejectedAndNothingIsRegistered()
    {
        var (rc, stdout, stderr) = await PullInProcessAsync("tests/tampered");
        Assert.True(rc != 0, stdout);
        Assert.Contains("SHA-256 mismatch", stderr);
        Assert.Null(await Target.Catalog.FindAsync("tests/tampered"));
        var folder = Path.Combine(Target.DataPath, "models", "tests", "tampered");
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any(), "the bad bytes are deleted");
    }

    [Fact]
    public async Task RepositoryOfQuantisations_NeedsFile_WhichPicksOneByGlob()
    {
        var (rc, _, stderr) = await PullInProcessAsync("tests/quants");
        Assert.Equal(2, rc);
        Assert.Contains("holds 2 GGUF files; pick one with --file", stderr);
        Assert.Contains("q8/stories260K-Q8_0.gguf", stderr);

        (rc, var stdout, stderr) = await PullInProcessAsync("tests/quants", "*q8_0.GGUF");
        Assert.True(rc == 0, stdout + stderr);
        var model = (await Target.Catalog.FindAsync("tests/quants"))!;
        Assert.Equal("q8/stories260K-Q8_0.gguf", Assert.Single(model.Files).Path);
        Assert.Equal(Path.Combine(Target.DataPath, "models", "tests", "quants", "q8", "stories260K-Q8_0.gguf"), model.FilePath);
    }

    [Fact]
    public async Task UnknownModelOrRevision_FailsWithTheHubsAnswer()
    {
        var (rc, _, stderr) = await PullInProcessAsync("tests/none");
        Assert.Equal(1, rc);
        Assert.Contains("404", stderr);
        (rc, _, stderr) = await PullInProcessAsync("tests/tampered", revision: "v9");
        Assert.NotEqual(0, rc);
        Assert.Contains("no revision 'v9'", stderr);
    }
}
