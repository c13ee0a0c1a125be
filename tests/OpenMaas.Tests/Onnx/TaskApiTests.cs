using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

/// <summary>ModelScope's task API on the real server: real models, real inputs, known answers; bad input in the
/// same envelope.</summary>
[Trait("Category", "Slow")]
public sealed class TaskApiTests(OnnxServerFixture server) : IClassFixture<OnnxServerFixture>
{
    [Fact]
    public async Task Mnist_Base64_ClassifiesEveryDigit()
    {
        using var http = server.CreateClient();
        for (var digit = 0; digit <= 9; digit++)
        {
            var data = await CallAsync(http, OnnxServerFixture.Mnist, new { input = Convert.ToBase64String(File.ReadAllBytes(Data($"mnist/digit_{digit}.png"))) });

            Assert.Equal(digit.ToString(System.Globalization.CultureInfo.InvariantCulture), data.GetProperty("labels")[0].GetString());
            Assert.True(data.GetProperty("scores")[0].GetSingle() > 0.99f);
        }
    }

    [Fact]
    public async Task UltraFace_Multipart_And_DataUrl_CountFaces()
    {
        using var http = server.CreateClient();

        var two = await UploadAsync(http, OnnxServerFixture.UltraFace, Data("faces/two_people.jpg"));
        var one = await CallAsync(http, OnnxServerFixture.UltraFace, new { input = "data:image/jpeg;base64," + Convert.ToBase64String(File.ReadAllBytes(Data("faces/obama.jpg"))) });
        var none = await CallAsync(http, OnnxServerFixture.UltraFace, new { input = new { image = Convert.ToBase64String(File.ReadAllBytes(Data("faces/rocket.jpg"))) } });

        Assert.Equal(2, two.GetProperty("boxes").GetArrayLength());
        Assert.Equal(1, one.GetProperty("boxes").GetArrayLength());
        Assert.Equal(0, none.GetProperty("boxes").GetArrayLength());
        var box = one.GetProperty("boxes")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.InRange(box[0], 360, 400); // x1 ≈ 382 in the 910×1137 photo's pixels
    }

    [Fact]
    public async Task Silero_FindsJfkSegments_AndNoneInSilence()
    {
        using var http = server.CreateClient();

        var speech = await CallAsync(http, OnnxServerFixture.Silero, new { input = Convert.ToBase64String(File.ReadAllBytes(Data("audio/jfk.wav"))) });
        var silence = await CallAsync(http, OnnxServerFixture.Silero, new { input = Convert.ToBase64String(OnnxAudioTests.Wav(new float[16000], 16000)) });

        var segments = speech.GetProperty("segments");
        Assert.Equal(4, segments.GetArrayLength());
        Assert.Equal(0.322, segments[0].GetProperty("start").GetDouble(), 2);
        Assert.Equal(10.622, segments[3].GetProperty("end").GetDouble(), 2);
        Assert.Equal(0, silence.GetProperty("segments").GetArrayLength());
    }

    [Fact]
    public async Task SentenceEmbedding_ComparesSentences()
    {
        using var http = server.CreateClient();

        var data = await CallAsync(http, OnnxServerFixture.MiniLm, new { input = new { source_sentence = new[] { Food }, sentences_to_compare = new[] { Bread, Baby } } });

        Assert.Equal(3, data.GetProperty("text_embedding").GetArrayLength());
        Assert.Equal(0.7553, data.GetProperty("scores")[0].GetDouble(), 3);
        Assert.Equal(-0.1050, data.GetProperty("scores")[1].GetDouble(), 3);
    }

    [Fact]
    public async Task TextGeneration_AnswersToo()
    {
        using var http = server.CreateClient();

        var data = await CallAsync(http, TestAssets.StoriesId, new { input = "Once upon a time", parameters = new { max_tokens = 40 } });

        Assert.Equal(TestAssets.StoriesGreedy40, data.GetProperty("text").GetString());
    }

    public static TheoryData<string, string, int> BadCalls() => new()
    {
        { OnnxServerFixture.UltraFace, """{"input":"bm90IGFuIGltYWdl"}""", 400 },                 // base64 of "not an image"
        { OnnxServerFixture.UltraFace, """{"input":"%%% not base64 %%%"}""", 400 },
        { OnnxServerFixture.UltraFace, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("faces/obama.jpg"))[..150_000]) }), 400 },
        { OnnxServerFixture.UltraFace, Json(new { input = Convert.ToBase64String(OnnxBadInputTests.PngHeader(20_000, 20_000)) }), 413 },
        { OnnxServerFixture.Mnist, Json(new { input = Convert.ToBase64String(OnnxBadInputTests.BmpHeader(20_000, 20_000)) }), 413 },
        { OnnxServerFixture.Mnist, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("mnist/digit_1.png"))), parameters = new { top_k = 0 } }), 400 },
        { OnnxServerFixture.Mnist, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("mnist/digit_1.png"))), parameters = new { temperature = 1 } }), 400 },
        { OnnxServerFixture.Mnist, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("mnist/digit_1.png"))), parameters = new { top_k = "a" } }), 400 },
        { OnnxServerFixture.Mnist, """{"input":"x","parameters":"top_k"}""", 400 },
        { OnnxServerFixture.Mnist, """{"input":5}""", 400 },
        { OnnxServerFixture.Mnist, """{"input":{"picture":"x"}}""", 400 },
        { OnnxServerFixture.Mnist, """{"parameters":{}}""", 400 },
        { OnnxServerFixture.Mnist, """[1,2]""", 400 },
        { OnnxServerFixture.Mnist, "not json", 400 },
        { OnnxServerFixture.Silero, """{"input":"data:audio/wav;base64,"}""", 400 },
        { OnnxServerFixture.Silero, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("audio/jfk.wav"))[..30]) }), 400 },
        { OnnxServerFixture.Silero, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("audio/jfk.wav"))[..100_000]) }), 400 },
        { OnnxServerFixture.Silero, Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("mnist/digit_1.png"))) }), 400 },
        { OnnxServerFixture.Silero, Json(new { input = "AAAA", parameters = new { threshold = 2 } }), 400 },
        { OnnxServerFixture.MiniLm, Json(new { input = "a", parameters = new { top_k = 1 } }), 400 },
        { OnnxServerFixture.MiniLm, Json(new { input = "data:text/plain;base64,aGVsbG8=" }), 400 },
        { OnnxServerFixture.MiniLm, """{"input":{"sentences_to_compare":["a"]}}""", 400 },
        { TestAssets.StoriesId, """{"input":["a","b"]}""", 400 },
        { "nobody/nothing", """{"input":"a"}""", 404 },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task BadInput_Is4xx_InTheTaskEnvelope_AndTheServerStaysHealthy(string model, string body, int status)
    {
        using var http = server.CreateClient();

        using var response = await http.PostAsync(Path(model), new StringContent(body, Encoding.UTF8, "application/json"));

        var envelope = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status, envelope.GetProperty("Code").GetInt32());
        Assert.Equal(JsonValueKind.Null, envelope.GetProperty("Data").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(envelope.GetProperty("Message").GetString()));
        Assert.False(string.IsNullOrEmpty(envelope.GetProperty("RequestId").GetString()));
        var after = await CallAsync(http, OnnxServerFixture.Mnist, new { input = Convert.ToBase64String(File.ReadAllBytes(Data("mnist/digit_7.png"))) });
        Assert.Equal("7", after.GetProperty("labels")[0].GetString());
    }

    [Fact]
    public async Task NoToken_Is401_InTheTaskEnvelope()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsync(Path(OnnxServerFixture.Mnist), new StringContent("""{"input":"x"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("Code").GetInt32());
    }

    [Fact]
    public async Task QuotaOfN_AdmitsExactlyNTaskCalls_InTheEnvelope()
    {
        var (user, token) = await server.CreateUserAsync("task-quota-" + Guid.NewGuid().ToString("N")[..8]);
        await server.SetLimitAsync(user.Id, null, 2);
        using var http = server.CreateClient(token);
        var body = Json(new { input = Convert.ToBase64String(File.ReadAllBytes(Data("mnist/digit_2.png"))) });

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await http.PostAsync(Path(OnnxServerFixture.Mnist), new StringContent(body, Encoding.UTF8, "application/json")));
        }

        Assert.Equal([200, 200, 429], responses.Select(r => (int)r.StatusCode));
        Assert.Equal(429, JsonDocument.Parse(await responses[2].Content.ReadAsStringAsync()).RootElement.GetProperty("Code").GetInt32());
        Assert.Equal("0", responses[1].Header("modelscope-ratelimit-requests-remaining"));
        responses.ForEach(r => r.Dispose());
    }

    private static string Path(string model) => "/api-inference/v1/models/" + model;

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static async Task<JsonElement> CallAsync(HttpClient http, string model, object body)
    {
        using var response = await http.PostAsync(Path(model), new StringContent(Json(body), Encoding.UTF8, "application/json"));
        return await DataAsync(response);
    }

    private static async Task<JsonElement> UploadAsync(HttpClient http, string model, string file)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(content, "input", System.IO.Path.GetFileName(file));
        using var response = await http.PostAsync(Path(model), form);
        return await DataAsync(response);
    }

    private static async Task<JsonElement> DataAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var envelope = JsonDocument.Parse(text).RootElement;
        Assert.Equal(200, envelope.GetProperty("Code").GetInt32());
        Assert.Equal("success", envelope.GetProperty("Message").GetString());
        Assert.False(string.IsNullOrEmpty(envelope.GetProperty("RequestId").GetString()));
        return envelope.GetProperty("Data");
    }
}
