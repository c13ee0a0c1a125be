using System.Net;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Operations;

/// <summary>
/// <c>openmaas backup</c> while the server answers calls, then <c>openmaas restore</c> into a fresh data folder with the
/// original folder deleted: the restored server serves the same token, the model from its own copy of the store, and
/// the usage the backup held.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openmaas-tests", "backup-" + Guid.NewGuid().ToString("N"));

    private string Original => Path.Combine(_root, "data");

    private string Backup => Path.Combine(_root, "backup");

    private string Restored => Path.Combine(_root, "restored");

    [Fact]
    public async Task ABackupTakenUnderService_RestoredIntoAFreshFolder_ServesTheSameTokenModelAndUsage()
    {
        Assert.Equal(0, (await Cli.RunAsync(Original, null, "model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId)).ExitCode); // copied into the store
        Assert.Equal(0, (await Cli.RunAsync(Original, null, "user", "add", "keeper")).ExitCode);
        var token = (await Cli.RunAsync(Original, null, "token", "create", "--user", "keeper", "--daily", "1000")).Stdout.Trim();

        await using (var node = await ServedNode.StartAsync(Original))
        {
            using var http = node.Client(token);
            for (var i = 0; i < 3; i++)
            {
                using var response = await http.ChatAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }

            var backup = await Cli.RunAsync(Original, null, "backup", Backup);
            Assert.True(backup.ExitCode == 0, backup.Stderr);
            using (var after = await http.ChatAsync())
            {
                Assert.Equal(HttpStatusCode.OK, after.StatusCode); // made after the snapshot: not in the backup
            }

            var again = await Cli.RunAsync(Original, null, "backup", Backup);
            Assert.Equal(2, again.ExitCode); // never into a folder that holds something
            Assert.Contains("not empty", again.Stderr, StringComparison.Ordinal);
        }

        Directory.Delete(Original, recursive: true); // nothing of the original may be needed any more
        var restore = await Cli.RunAsync(Restored, null, "restore", Backup);
        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.DoesNotContain(" 0 model(s)", restore.Stderr, StringComparison.Ordinal); // the copied stories260K (and the built-in MiniLM) moved

        await using var restored = await ServedNode.StartAsync(Restored);
        using var client = restored.Client(token);
        Assert.Equal(3, (await client.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        using var call = await client.ChatAsync();
        Assert.True(call.StatusCode == HttpStatusCode.OK, await call.Content.ReadAsStringAsync() + "\n" + restored.Log);
        Assert.Equal(4, (await client.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
