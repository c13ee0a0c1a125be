using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Upstream;

/// <summary><c>/v1/images/generations</c> and <c>/v1/images/edits</c> (synchronous) for an image model served by a
/// scripted engine that answers real PNG bytes.</summary>
[Trait("Category", "Slow")]
public sealed class ImagesApiTests(MediaGatewayFixture media) : IClassFixture<MediaGatewayFixture>
{
    private const string Model = MediaGatewayFixture.Painter;

    [Fact]
    public async Task Generation_B64Json_ReturnsTheEnginesPng_AndTheEngineGotEveryField()
    {
        using var http = media.Gateway.CreateClient();

        using var response = await http.PostAsJsonAsync("/v1/images/generations", new
        {
            model = Model, prompt = "a cat", negative_prompt = "blurry", size = "512x512", n = 2, seed = 42, steps = 20,
            guidance = 3.5, loras = new Dictionary<string, double> { ["lora/a"] = 0.6, ["lora/b"] = 0.4 }, response_format = "b64_json",
        });
        var json = await JsonAsync(response);

        var data = json.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(ScriptedMediaEngine.Png, Convert.FromBase64String(data[0].GetProperty("b64_json").GetString()!));
        Assert.True(json.GetProperty("created").GetInt64() > 1_700_000_000);
        var sent = media.Engine.LastJson;
        Assert.Equal("painter", sent.GetProperty("model").GetString());
        Assert.Equal("b64_json", sent.GetProperty("response_format").GetString());
        Assert.Equal("blurry", sent.GetProperty("negative_prompt").GetString());
        Assert.Equal(42, sent.GetProperty("seed").GetInt32());
        Assert.Equal(20, sent.GetProperty("steps").GetInt32());
        Assert.Equal(0.6, sent.GetProperty("loras").GetProperty("lora/a").GetDouble());
    }

    [Fact]
    public async Task Generation_Url_IsASignedLink_ThatOnlyItsOwnerOrTheSignatureOpens()
    {
        var (_, ownerToken) = await media.Gateway.CreateUserAsync("owner-" + Guid.NewGuid().ToString("N")[..8]);
        var (_, otherToken) = await media.Gateway.CreateUserAsync("other-" + Guid.NewGuid().ToString("N")[..8]);
        using var owner = media.Gateway.CreateClient(ownerToken);
        using var other = media.Gateway.CreateClient(otherToken);
        using var anonymous = new HttpClient();

        using var response = await owner.PostAsJsonAsync("/v1/images/generations", new { model = Model, prompt = "a cat" });
        var url = new Uri((await JsonAsync(response)).GetProperty("data")[0].GetProperty("url").GetString()!);
        var unsigned = new Uri(url.GetLeftPart(UriPartial.Path));

        Assert.Equal(media.Gateway.BaseAddress.Authority, url.Authority);
        using var signed = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("image/png", signed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ScriptedMediaEngine.Png, await signed.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(unsigned)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(unsigned)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(unsigned)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(unsigned + "?sig=forged")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri(media.Gateway.BaseAddress, "/files/images/..%2Fopenmaas.db"))).StatusCode);
    }

    [Fact]
    public async Task Edit_Multipart_StreamsTheImageAndFieldsToTheEngine()
    {
        using var http = media.Gateway.CreateClient();
        byte[] source = [.. ScriptedMediaEngine.Png];
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Model), "model" },
            { new StringContent("make it blue"), "prompt" },
            { new StringContent("b64_json"), "response_format" },
            { new ByteArrayContent(source) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", "cat.png" },
        };

        using var response = await http.PostAsync("/v1/images/edits", form);
        var json = await JsonAsync(response);

        Assert.Equal(ScriptedMediaEngine.Png, Convert.FromBase64String(json.GetProperty("data")[0].GetProperty("b64_json").GetString()!));
        Assert.Equal("painter", media.Engine.LastFields["model"]);
        Assert.Equal("make it blue", media.Engine.LastFields["prompt"]);
        Assert.Equal("b64_json", media.Engine.LastFields["response_format"]);
        Assert.Equal(source, media.Engine.LastFiles["image"]);
    }

    public static TheoryData<string, string?> BadBodies() => new()
    {
        { $$"""{"model":"{{Model}}"}""", "prompt" },
        { $$"""{"model":"{{Model}}","prompt":""}""", "prompt" },
        { $$"""{"model":"{{Model}}","prompt":"a","size":"big"}""", "size" },
        { $$"""{"model":"{{Model}}","prompt":"a","n":11}""", "n" },
        { $$"""{"model":"{{Model}}","prompt":"a","steps":0}""", "steps" },
        { $$"""{"model":"{{Model}}","prompt":"a","seed":-1}""", "seed" },
        { $$"""{"model":"{{Model}}","prompt":"a","response_format":"png"}""", "response_format" },
        { $$"""{"model":"{{Model}}","prompt":"a","image_url":"file:///etc/passwd"}""", "image_url" },
        { $$$"""{"model":"{{{Model}}}","prompt":"a","loras":{"a":0.5,"b":0.2}}""", "loras" },
        { $$$"""{"model":"{{{Model}}}","prompt":"a","loras":{"a":0.1,"b":0.1,"c":0.1,"d":0.1,"e":0.1,"f":0.1,"g":0.4}}""", "loras" },
        { $$"""{"model":"{{Model}}","prompt":"a","loras":5}""", "loras" },
        { """{"model":"karpathy/stories260K","prompt":"a"}""", "model" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInput_Is400_InTheOpenAIEnvelope_AndCostsNothing(string body, string? param)
    {
        var (_, token) = await media.Gateway.CreateUserAsync("bad-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);
        var calls = media.Engine.Calls;

        using var response = await http.PostAsync("/v1/images/generations", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        Assert.Equal(calls, media.Engine.Calls);
    }

    [Fact]
    public async Task AFailingEngine_Is502_WithoutItsInternals_AndRefunded()
    {
        var name = "fail-" + Guid.NewGuid().ToString("N")[..8];
        var (_, token) = await media.Gateway.CreateUserAsync(name);
        using var http = media.Gateway.CreateClient(token);
        media.Engine.Fail = true;
        try
        {
            using var response = await http.PostAsJsonAsync("/v1/images/generations", new { model = Model, prompt = "a cat" });

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("/srv/secret", text);
            var record = await media.Gateway.RecordAsync(name, response.Headers.GetValues("X-Request-Id").Single());
            Assert.False(record.Counted);
            Assert.Equal("images.generations", record.Endpoint);
        }
        finally
        {
            media.Engine.Fail = false;
        }
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
