using System.Net;
using System.Text;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Tokens;

/// <summary>The database never holds a token's text. On a server of its own: reading SQLite's files from inside the
/// server's process and closing them drops every POSIX lock that process holds on them (SQLite's documented hazard),
/// after which the CLI in another process no longer sees the server's writes.</summary>
[Trait("Category", "Slow")]
public sealed class TokenStorageTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task DatabaseFiles_NeverContainATokensText()
    {
        var (_, token) = await server.CreateUserAsync("secretive");
        using (var http = server.CreateClient(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.ChatAsync()).StatusCode);
        }

        var secret = Encoding.UTF8.GetBytes(token[11..]);
        var name = Encoding.UTF8.GetBytes("secretive");
        var files = Directory.GetFiles(server.DataPath, "openmaas.db*");
        Assert.NotEmpty(files); // a scan of no file would pass whatever the database holds
        var sawName = false;
        foreach (var file in files)
        {
            byte[] bytes;
            await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes);
            }

            Assert.Equal(-1, bytes.AsSpan().IndexOf(secret));
            sawName |= bytes.AsSpan().IndexOf(name) >= 0;
        }

        // The scan reads where the rows live: the account written with the token is found in the same files.
        Assert.True(sawName, "the user's name is in none of the scanned files: the scan does not see the database's rows");
    }
}
