using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Library;

/// <summary>Likes count users; downloads count at most once per user per model per day.</summary>
[Trait("Category", "Slow")]
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

    [Fact]
    public async Task Likes_OverHttp_CountTheTokensUserOnce_AndShowOnTheCard()
    {
        await server.RegisterModelAsync(TestAssets.StoriesGguf, "tests/liked", link: true);
        using var http = server.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var like = await http.PostAsync("/api/v1/models/tests/liked/like", null);
            Assert.Equal(HttpStatusCode.OK, like.StatusCode);
            using var doc = JsonDocument.Parse(await like.Content.ReadAsStringAsync());
            Assert.Equal(1, doc.RootElement.GetProperty("Data").GetProperty("Likes").GetInt64());
            Assert.True(doc.RootElement.GetProperty("Data").GetProperty("Liked").GetBoolean());
        }

        var (_, other) = await server.CreateUserAsync("liker");
        using (var second = server.CreateClient(other))
        using (var like = await second.PostAsync("/api/v1/models/tests/liked/like", null))
        {
            Assert.Equal(HttpStatusCode.OK, like.StatusCode);
        }

        var card = await server.GetDataAsync("/api/v1/models/tests/liked");
        Assert.Equal(2, card.GetProperty("Likes").GetInt64());
        Assert.True(card.GetProperty("Liked").GetBoolean());

        using var unlike = await http.DeleteAsync("/api/v1/models/tests/liked/like");
        Assert.Equal(HttpStatusCode.OK, unlike.StatusCode);
        card = await server.GetDataAsync("/api/v1/models/tests/liked");
        Assert.Equal(1, card.GetProperty("Likes").GetInt64());
        Assert.False(card.GetProperty("Liked").GetBoolean());
        using var unknown = await http.PostAsync("/api/v1/models/tests/none/like", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AResolvedModel_FollowsChangesMadeByAnotherProcess_OnTheNextCall()
    {
        await server.RegisterModelAsync(TestAssets.StoriesGguf, "tests/cached", link: true);
        using var http = server.CreateClient();
        using (var first = await http.ChatAsync("tests/cached"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // the record is in the server's cache now
        }

        // The CLI's own services (another mapping of the data folder's change stamp) switch API-Inference off...
        await using (var cli = await OpenMaas.Server.Cli.CliServices.CreateAsync([new("Data:Path", server.DataPath)]))
        {
            await cli.GetRequiredService<IModelCatalog>().UpdateAsync("tests/cached", m => m.ApiInferenceMode = ApiInferenceMode.Off);
        }

        using (var off = await http.ChatAsync("tests/cached"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, off.StatusCode);
        }

        // ...and remove it: the next call is a 404, not a call on a stale record.
        await using (var cli = await OpenMaas.Server.Cli.CliServices.CreateAsync([new("Data:Path", server.DataPath)]))
        {
            Assert.NotNull(await cli.GetRequiredService<IModelCatalog>().RemoveAsync("tests/cached"));
        }

        using var gone = await http.ChatAsync("tests/cached");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Patch_IsForAdmins_AndSetsTheCardTheModeAndTheModelCap()
    {
        await server.RegisterModelAsync(TestAssets.StoriesGguf, "tests/patched", link: true);
        const string body = "{\"License\":\"apache-2.0\",\"Tags\":[\"x\",\"y\"],\"Description\":\"Edited\",\"ApiInference\":\"off\",\"DailyCallCap\":7}";
        using (var user = server.CreateClient())
        using (var denied = await user.PatchAsync("/api/v1/models/tests/patched", new StringContent(body, System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        var (_, adminToken) = await server.CreateUserAsync("librarian", admin: true);
        using var admin = server.CreateClient(adminToken);
        using var response = await admin.PatchAsync("/api/v1/models/tests/patched", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = doc.RootElement.GetProperty("Data");
        Assert.Equal("apache-2.0", data.GetProperty("License").GetString());
        Assert.Equal("Edited", data.GetProperty("Description").GetString());
        Assert.Equal("off", data.GetProperty("ApiInference").GetProperty("Mode").GetString());
        Assert.False(data.GetProperty("ApiInference").GetProperty("Enabled").GetBoolean());
        Assert.DoesNotContain("tests/patched", await server.ServedAsync());
        var caps = await server.Services.GetRequiredService<IQuotaLimits>().ListAsync();
        Assert.Contains(caps, c => c.ModelId == "tests/patched" && c.UserId is null && c.DailyCalls == 7);

        using var invalid = await admin.PatchAsync("/api/v1/models/tests/patched", new StringContent("{\"ApiInference\":\"sometimes\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
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
