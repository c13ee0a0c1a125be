using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Upstream;

/// <summary>An engine that answers images only as links (<c>{"data":[{"url":"http://engine/…png"}]}</c>), as the scripted
/// engine does in URL mode: OpenMaaS fetches each image from the engine's own origin (bounded, timed) and keeps and
/// serves it exactly as a base64 answer, so the client gets OpenMaaS's owner-only link or base64 — never the engine's.</summary>
[Trait("Category", "Slow")]
public sealed class ImageUrlEngineTests(MediaGatewayFixture media) : IClassFixture<MediaGatewayFixture>, IDisposable
{
    private const string Model = MediaGatewayFixture.Painter;

    [Fact]
    public async Task LinkedImages_AreFetched_AndServedAtOpenMaasLinks_OnlyToTheirOwner()
    {
        media.Engine.AnswerUrls = true;
        var (_, ownerToken) = await media.Gateway.CreateUserAsync("urlown-" + Guid.NewGuid().ToString("N")[..8]);
        var (_, otherToken) = await media.Gateway.CreateUserAsync("urloth-" + Guid.NewGuid().ToString("N")[..8]);
        using var owner = media.Gateway.CreateClient(ownerToken);
        using var other = media.Gateway.CreateClient(otherToken);
        var fetches = media.Engine.Fetches;

        using var response = await owner.PostAsJsonAsync("/v1/images/generations", new { model = Model, prompt = "a cat", n = 2 });
        var data = (await JsonAsync(response)).GetProperty("data");

        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(fetches + 2, media.Engine.Fetches);
        foreach (var item in data.EnumerateArray())
        {
            var url = new Uri(item.GetProperty("url").GetString()!);
            Assert.Equal(media.Gateway.BaseAddress.Authority, url.Authority);
            Assert.StartsWith("/files/images/", url.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(ScriptedMediaEngine.Png, await owner.GetByteArrayAsync(url.GetLeftPart(UriPartial.Path)));
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url.GetLeftPart(UriPartial.Path))).StatusCode);
        }

        Assert.DoesNotContain(media.Engine.V1.Authority, data.GetRawText());
    }

    [Fact]
    public async Task LinkedImages_ComeBackAsBase64_WhenAsked()
    {
        media.Engine.AnswerUrls = true;
        using var http = media.Gateway.CreateClient();

        using var response = await http.PostAsJsonAsync("/v1/images/generations", new { model = Model, prompt = "a cat", response_format = "b64_json" });
        var data = (await JsonAsync(response)).GetProperty("data");

        Assert.Equal(ScriptedMediaEngine.Png, Convert.FromBase64String(data[0].GetProperty("b64_json").GetString()!));
        Assert.False(data[0].TryGetProperty("url", out _));
    }

    [Fact]
    public async Task ALinkToAnotherHost_IsNotFetched_502_AndRefunded()
    {
        media.Engine.AnswerUrls = true;
        // The same server under another host name: a different origin, so OpenMaaS must not fetch it.
        media.Engine.LinkOrigin = $"http://localhost:{media.Engine.V1.Port}";
        var (_, token) = await media.Gateway.CreateUserAsync("urlfar-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);
        var fetches = media.Engine.Fetches;

        using var response = await http.PostAsJsonAsync("/v1/images/generations", new { model = Model, prompt = "a cat" });
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", error.GetProperty("code").GetString());
        Assert.Contains("outside the engine's own origin", error.GetProperty("message").GetString());
        Assert.DoesNotContain("localhost", error.GetProperty("message").GetString());
        Assert.Equal(fetches, media.Engine.Fetches);
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task ALinkedImageOverTheLimit_Is502_AndRefunded()
    {
        media.Engine.AnswerUrls = true;
        media.Engine.LinkedFile = "huge.png";
        var (_, token) = await media.Gateway.CreateUserAsync("urlbig-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);

        using var response = await http.PostAsJsonAsync("/v1/images/generations", new { model = Model, prompt = "a cat" });
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains($"larger than {MediaGatewayFixture.MaxImageBytes} bytes", error.GetProperty("message").GetString());
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task AnAsyncTask_OnALinkingEngine_Succeeds_WithAnImageOpenMaasServes()
    {
        media.Engine.AnswerUrls = true;
        using var http = media.Gateway.CreateClient();
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
        {
            Content = new StringContent("""{"model":"test/painter","prompt":"A golden cat"}""", Encoding.UTF8, "application/json"),
            Headers = { { "X-ModelScope-Async-Mode", "true" } },
        };
        var taskId = (await JsonAsync(await http.SendAsync(submit))).GetProperty("task_id").GetString();

        for (var i = 0; ; i++)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{taskId}") { Headers = { { "X-ModelScope-Task-Type", "image_generation" } } };
            var task = await JsonAsync(await http.SendAsync(poll));
            if (task.GetProperty("task_status").GetString() == "SUCCEED")
            {
                using var anonymous = new HttpClient();
                Assert.Equal(ScriptedMediaEngine.Png, await anonymous.GetByteArrayAsync(task.GetProperty("output_images")[0].GetString()));
                return;
            }

            Assert.True(i < 600 && task.GetProperty("task_status").GetString() != "FAILED", task.GetRawText());
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        media.Engine.AnswerUrls = false;
        media.Engine.LinkOrigin = null;
        media.Engine.LinkedFile = "picture.png";
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
