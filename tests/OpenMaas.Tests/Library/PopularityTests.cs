using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary>Likes count users; downloads count at most once per user per model per day.</summary>
public sealed class PopularityTests(LibraryServer server) : IClassFixture<LibraryServer>
{
    private const string FileUrl = $"/api/v1/models/{TestAssets.StoriesId}/repo?Revision=master&FilePath=stories260K.gguf";

    [Fact]
    public async Task Likes_CountEachUserOnce()
    {
        const string id = TestAssets.StoriesId;
        var before = (await server.Catalog.FindAsync(id))!.Likes;
        Assert.Equal(before + 1, await server.Popularity.SetLikeAsync(id, 41, like: true));
        Assert.Equal(before + 1, await server.Popularity.SetLikeAsync(id, 41, like: true));
        Assert.Equal(before + 2, await server.Popularity.SetLikeAsync(id, 42, like: true));
        Assert.True(await server.Popularity.HasLikedAsync(id, 41));
        Assert.Equal(before + 1, await server.Popularity.SetLikeAsync(id, 41, like: false));
        Assert.Equal(before + 1, await server.Popularity.SetLikeAsync(id, 41, like: false));
        Assert.False(await server.Popularity.HasLikedAsync(id, 41));
        Assert.Null(await server.Popularity.SetLikeAsync("tests/none", 41, like: true));
        var data = await server.GetDataAsync($"/api/v1/models/{id}");
        Assert.Equal(before + 1, data.GetProperty("Likes").GetInt64());
    }

    [Fact]
    public async Task ConcurrentLikesAndDownloads_ByOneUser_CountOnce()
    {
        const string id = TestAssets.StoriesId;
        var before = (await server.Catalog.FindAsync(id))!;
        var likes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => server.Popularity.SetLikeAsync(id, 99, like: true))));
        var downloads = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => server.Popularity.RecordDownloadAsync(id, "user:99"))));
        var after = (await server.Catalog.FindAsync(id))!;
        Assert.Equal(before.Likes + 1, after.Likes);
        Assert.Equal(before.Downloads + 1, after.Downloads);
        Assert.Single(downloads, counted => counted);
        Assert.All(likes, l => Assert.Equal(before.Likes + 1, l));
        await server.Popularity.SetLikeAsync(id, 99, like: false);
    }

    [Fact]
    public async Task Downloads_CountOncePerUserPerDay_AndRangeRequestsGetThePart()
    {
        var before = (await server.Catalog.FindAsync(TestAssets.StoriesId))!.Downloads;
        var bytes = await File.ReadAllBytesAsync(TestAssets.StoriesGguf);
        using var http = server.CreateClient();
        Assert.Equal(bytes, await http.GetByteArrayAsync(FileUrl));

        using var range = new HttpRequestMessage(HttpMethod.Get, FileUrl);
        range.Headers.Range = new RangeHeaderValue(1000, null);
        using var partial = await http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[1000..], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(before + 1, (await server.Catalog.FindAsync(TestAssets.StoriesId))!.Downloads);

        Assert.True(await server.Popularity.RecordDownloadAsync(TestAssets.StoriesId, "user:7"));
        Assert.False(await server.Popularity.RecordDownloadAsync(TestAssets.StoriesId, "user:7"));
        server.DownloadClock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(bytes.Length, (await http.GetByteArrayAsync(FileUrl)).Length);
        Assert.Equal(before + 3, (await server.Catalog.FindAsync(TestAssets.StoriesId))!.Downloads);
    }

    [Theory]
    [InlineData("POST", "/like")]
    [InlineData("DELETE", "/like")]
    [InlineData("PATCH", "")]
    public async Task LikesAndEdits_NeedACaller(string method, string suffix)
    {
        using var http = server.CreateClient();
        http.DefaultRequestHeaders.Authorization = null;
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/models/{TestAssets.StoriesId}{suffix}")
        {
            Content = method == "PATCH" ? new StringContent("{\"License\":\"mit\"}", System.Text.Encoding.UTF8, "application/json") : null,
        };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, doc.RootElement.GetProperty("status").GetInt32());
    }
}
