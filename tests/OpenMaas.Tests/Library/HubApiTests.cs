using System.Net;
using System.Security.Cryptography;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary>ModelScope's hub file API over a registered model: info, file list, revisions, 404s.</summary>
[Trait("Category", "Slow")]
public sealed class HubApiTests(LibraryServer server) : IClassFixture<LibraryServer>
{
    private const string Model = $"/api/v1/models/{TestAssets.StoriesId}";

    [Fact]
    public async Task FileList_HasNamePathTypeSizeAndSha256()
    {
        var data = await server.GetDataAsync($"{Model}/repo/files?Revision=master&Recursive=true");
        var file = Assert.Single(data.GetProperty("Files").EnumerateArray());
        var bytes = await File.ReadAllBytesAsync(TestAssets.StoriesGguf);
        Assert.Equal("stories260K.gguf", file.GetProperty("Name").GetString());
        Assert.Equal("stories260K.gguf", file.GetProperty("Path").GetString());
        Assert.Equal("blob", file.GetProperty("Type").GetString());
        Assert.Equal(bytes.Length, file.GetProperty("Size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.GetProperty("Sha256").GetString());
    }

    [Fact]
    public async Task ModelInfoAndRevisions_SpeakModelScopesShape()
    {
        var info = await server.GetDataAsync($"{Model}?Revision=master");
        Assert.Equal(TestAssets.StoriesId, info.GetProperty("ModelId").GetString());
        var revisions = await server.GetDataAsync($"{Model}/revisions");
        var branch = Assert.Single(revisions.GetProperty("RevisionMap").GetProperty("Branches").EnumerateArray());
        Assert.Equal("master", branch.GetProperty("Revision").GetString());
        Assert.Empty(revisions.GetProperty("RevisionMap").GetProperty("Tags").EnumerateArray());
    }

    [Theory]
    [InlineData("/repo/files?Revision=v9")]
    [InlineData("/repo?Revision=master&FilePath=missing.bin")]
    [InlineData("/repo?Revision=master")]
    [InlineData("?Revision=v9")]
    public async Task UnknownRevisionOrFile_Is404(string suffix)
    {
        using var http = server.CreateClient();
        using var response = await http.GetAsync(Model + suffix);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task FileRevision_IsDerivedFromTheContent_AndNamesTheFileForADownload()
    {
        var data = await server.GetDataAsync($"{Model}/repo/files?Revision=master&Recursive=true");
        var file = Assert.Single(data.GetProperty("Files").EnumerateArray());
        var sha = file.GetProperty("Sha256").GetString()!;
        var revision = file.GetProperty("Revision").GetString()!;
        Assert.Equal(sha[..40], revision); // changes when the bytes change, so the SDK's cache never keeps a stale file
        Assert.True(file.GetProperty("IsLFS").GetBoolean());

        using var http = server.CreateClient();
        using var response = await http.GetAsync($"{Model}/repo?Revision={revision}&FilePath=stories260K.gguf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((await File.ReadAllBytesAsync(TestAssets.StoriesGguf)).Length, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task SessionCookieOfOlderSdks_IsTheTokenItCarries()
    {
        await server.RegisterModelAsync(TestAssets.StoriesGguf, "tests/cookie", link: true);
        var (_, token) = await server.CreateUserAsync("sdk-cookie");
        const string File = "/api/v1/models/tests/cookie/repo?Revision=master&FilePath=stories260K.gguf";
        var jar = new CookieContainer();
        jar.Add(server.BaseAddress, new Cookie("m_session_id", token)); // what the SDK's requests session carries
        using (var sdk = new HttpClient(new SocketsHttpHandler { CookieContainer = jar }) { BaseAddress = server.BaseAddress })
        {
            using var response = await sdk.GetAsync(File);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var bearer = server.CreateClient(token))
        {
            using var response = await bearer.GetAsync(File);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Both downloads were the same user's (once per user per day); an ignored cookie would have made the first anonymous.
        Assert.Equal(1, (await server.Catalog.FindAsync("tests/cookie"))!.Downloads);
    }
}
