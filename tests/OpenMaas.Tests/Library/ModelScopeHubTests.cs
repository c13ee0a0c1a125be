using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hub;
using OpenMaas.Server.Cli;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary><c>model pull</c> against recorded answers in ModelScope's shape: the compatibility fixes found by reading
/// the modelscope SDK (file list, stalled downloads, the revision recorded).</summary>
[Trait("Category", "Slow")]
public sealed class ModelScopeHubTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));

    private async Task<(int ExitCode, string Stdout, string Stderr, ModelRecord? Model)> PullAsync(
        RecordedHub hub, string revision = "master", TimeSpan? idle = null)
    {
        await using var services = await CliServices.CreateAsync(_data);
        using StringWriter stdout = new(), stderr = new();
        var client = HubClient.Create(hub.Address.ToString(), idle);
        var rc = await services.GetRequiredService<ModelPuller>().PullAsync(
            client, new ModelPuller.Request(TestAssets.StoriesId, revision, null), NoPullProgress.Instance, stdout, stderr, CancellationToken.None);
        var model = await services.GetRequiredService<IModelCatalog>().FindAsync(TestAssets.StoriesId);
        return (rc, stdout.ToString(), stderr.ToString(), model);
    }

    [Theory]
    [InlineData(RecordedAnswers.FilesNull)]
    [InlineData(RecordedAnswers.FilesMissing)]
    public async Task FileListWithoutFiles_IsAnEmptyRepository_NotACrash(string files)
    {
        await using var hub = await RecordedHub.StartAsync(RecordedAnswers.ModelInfo, files, []);
        var (rc, _, stderr, model) = await PullAsync(hub);
        Assert.Equal(2, rc);
        Assert.Contains("no GGUF file", stderr, StringComparison.Ordinal);
        Assert.Null(model);
    }

    [Fact]
    public async Task FileList_SkipsFolders_LeavesGitFilesOut_AndRecordsTheRevisionFetched()
    {
        var bytes = await File.ReadAllBytesAsync(TestAssets.StoriesGguf);
        await using var hub = await RecordedHub.StartAsync(RecordedAnswers.ModelInfo, RecordedAnswers.FilesFor(bytes), bytes);
        var (rc, stdout, stderr, model) = await PullAsync(hub);
        Assert.True(rc == 0, stdout + stderr);
        Assert.Equal(["stories260K.gguf"], model!.Files.Select(f => f.Path));
        Assert.Single(hub.FileRequests); // neither the folder nor .gitattributes was fetched
        Assert.Equal("master", model.Revision); // not the hub's Data.Revision "v2.0.1"
        Assert.Equal(["tiny", "llama"], model.Tags);
    }

    [Fact]
    public async Task PullOfATag_RecordsThatTag()
    {
        var bytes = await File.ReadAllBytesAsync(TestAssets.StoriesGguf);
        await using var hub = await RecordedHub.StartAsync(RecordedAnswers.ModelInfo, RecordedAnswers.FilesFor(bytes), bytes);
        var (rc, stdout, stderr, model) = await PullAsync(hub, revision: "v1.0");
        Assert.True(rc == 0, stdout + stderr);
        Assert.Equal("v1.0", model!.Revision);
    }

    [Fact]
    public async Task StalledDownload_IsDroppedAfterTheIdleTimeout_AndResumedWhereItStopped()
    {
        var bytes = await File.ReadAllBytesAsync(TestAssets.StoriesGguf);
        await using var hub = await RecordedHub.StartAsync(RecordedAnswers.ModelInfo, RecordedAnswers.FilesFor(bytes), bytes, stallFirstDownload: true);
        var (rc, stdout, stderr, model) = await PullAsync(hub, idle: TimeSpan.FromSeconds(2));
        Assert.True(rc == 0, stdout + stderr);
        // One resume is the rule; on a loaded machine a slow answer to the resume itself can cost one more.
        Assert.Matches(@"[1-9] stalled or broken connection\(s\) resumed", stdout);
        Assert.Equal("", hub.FileRequests[0]);
        Assert.Equal($"bytes={bytes.Length / 2}-", hub.FileRequests[1]); // resumed where the stalled one stopped
        Assert.InRange(hub.FileRequests.Count, 2, 3);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(model!.FilePath));
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
