using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Upstream;

/// <summary><c>/v1/audio/transcriptions</c>, <c>/translations</c> and <c>/speech</c> passed through to a scripted engine
/// that takes and answers real WAV bytes (no speech model runs on this machine).</summary>
[Trait("Category", "Slow")]
public sealed class AudioApiTests(MediaGatewayFixture media) : IClassFixture<MediaGatewayFixture>
{
    [Theory]
    [InlineData("/v1/audio/transcriptions")]
    [InlineData("/v1/audio/translations")]
    public async Task SpeechToText_StreamsTheUploadToTheEngine_AndItsAnswerBack(string path)
    {
        var (_, token) = await media.Gateway.CreateUserAsync("stt-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);

        using var response = await http.PostAsync(path, Upload(ScriptedMediaEngine.Wav, ("language", "en"), ("timestamp_granularities[]", "word")));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(ScriptedMediaEngine.Transcript, JsonDocument.Parse(text).RootElement.GetProperty("text").GetString());
        Assert.Equal(path, media.Engine.LastPath);
        Assert.Equal(ScriptedMediaEngine.Wav, media.Engine.LastFiles["file"]);
        Assert.Equal("whisper", media.Engine.LastFields["model"]);
        Assert.Equal("en", media.Engine.LastFields["language"]);
        Assert.Equal("word", media.Engine.LastFields["timestamp_granularities[]"]);
        Assert.Equal(1, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task AnUploadOverTheServersJsonLimit_ButUnderTheAudioLimit_ReachesTheEngineWhole()
    {
        using var http = media.Gateway.CreateClient();
        var audio = new byte[5 << 20];
        new Random(3).NextBytes(audio);

        using var response = await http.PostAsync("/v1/audio/transcriptions", Upload(audio));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(audio, media.Engine.LastFiles["file"]);
    }

    [Fact]
    public async Task Subtitles_PassThroughAsText()
    {
        using var http = media.Gateway.CreateClient();

        using var response = await http.PostAsync("/v1/audio/transcriptions", Upload(ScriptedMediaEngine.Wav, ("response_format", "srt")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("1\n00:00:00,000 --> 00:00:11,000\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUploadOverTheLimit_Is413_InTheEnvelope_AndCostsNothing()
    {
        var (_, token) = await media.Gateway.CreateUserAsync("big-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);
        var calls = media.Engine.Calls;

        // As curl does for a large body: Expect: 100-continue, so the 413 comes before the upload (without it the server
        // cannot read a body past its limit, and closes the connection under a client still sending).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = Upload(new byte[MediaGatewayFixture.MaxUploadBytes + 1]) };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Contains(MediaGatewayFixture.MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("message").GetString());
        Assert.Equal(calls, media.Engine.Calls);
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task Speech_StreamsTheEnginesWavBack()
    {
        using var http = media.Gateway.CreateClient();

        using var response = await http.PostAsJsonAsync("/v1/audio/speech", new { model = MediaGatewayFixture.Voice, input = "Ask not.", voice = "alloy", response_format = "wav", speed = 1.25 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ScriptedMediaEngine.Wav, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("voice", media.Engine.LastJson.GetProperty("model").GetString());
        Assert.Equal("alloy", media.Engine.LastJson.GetProperty("voice").GetString());
        Assert.Equal(1.25, media.Engine.LastJson.GetProperty("speed").GetDouble());
    }

    public static TheoryData<string, string, string?> BadCalls() => new()
    {
        { "/v1/audio/speech", """{"model":"test/voice"}""", "input" },
        { "/v1/audio/speech", """{"model":"test/voice","input":"a","response_format":"ogg"}""", "response_format" },
        { "/v1/audio/speech", """{"model":"test/voice","input":"a","speed":9}""", "speed" },
        { "/v1/audio/speech", """{"model":"test/whisper","input":"a"}""", "model" },
        { "/v1/audio/speech", """{"model":"test/painter","input":"a"}""", "model" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task BadInput_Is400_AndCostsNothing(string path, string body, string? param)
    {
        var (_, token) = await media.Gateway.CreateUserAsync("abad-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);

        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task BadUploads_Are400()
    {
        using var http = media.Gateway.CreateClient();

        using var noFile = await http.PostAsync("/v1/audio/transcriptions", new MultipartFormDataContent { { new StringContent(MediaGatewayFixture.Whisper), "model" } });
        using var badFormat = await http.PostAsync("/v1/audio/transcriptions", Upload(ScriptedMediaEngine.Wav, ("response_format", "docx")));
        using var voiceModel = await http.PostAsync("/v1/audio/transcriptions", Upload(ScriptedMediaEngine.Wav, ("model", MediaGatewayFixture.Voice)));
        using var json = await http.PostAsync("/v1/audio/transcriptions", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Equal("model_not_supported", (await voiceModel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }

    [Fact]
    public async Task TheTaskApi_TranscribesOnTheEngine_InModelScopesShape()
    {
        using var http = media.Gateway.CreateClient();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(ScriptedMediaEngine.Wav) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "input", "jfk.wav" },
        };

        using var response = await http.PostAsync($"/api-inference/v1/models/{MediaGatewayFixture.Whisper}", form);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, json.GetProperty("Code").GetInt32());
        Assert.Equal(ScriptedMediaEngine.Transcript, json.GetProperty("Data").GetProperty("text").GetString());
        Assert.Equal(ScriptedMediaEngine.Wav, media.Engine.LastFiles["file"]);
        Assert.Equal("whisper", media.Engine.LastFields["model"]);
    }

    [Fact]
    public async Task TheTaskApi_SpeaksOnTheEngine_InModelScopesShape_TheWavAsOutputWav()
    {
        var (_, token) = await media.Gateway.CreateUserAsync("tts-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);

        using var response = await http.PostAsJsonAsync($"/api-inference/v1/models/{MediaGatewayFixture.Voice}",
            new { input = new { text = "Ask not what your country can do for you." }, parameters = new { voice = "alloy", speed = 1.25 } });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, json.GetRawText());
        Assert.Equal(200, json.GetProperty("Code").GetInt32());
        Assert.Equal(ScriptedMediaEngine.Wav, Convert.FromBase64String(json.GetProperty("Data").GetProperty("output_wav").GetString()!));
        Assert.Equal("/v1/audio/speech", media.Engine.LastPath);
        var sent = media.Engine.LastJson;
        Assert.Equal("voice", sent.GetProperty("model").GetString());
        Assert.Equal("Ask not what your country can do for you.", sent.GetProperty("input").GetString());
        Assert.Equal("alloy", sent.GetProperty("voice").GetString());
        Assert.Equal("wav", sent.GetProperty("response_format").GetString());
        Assert.Equal(1.25, sent.GetProperty("speed").GetDouble());
        Assert.Equal(1, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    public static TheoryData<string, string, string> BadTaskCalls() => new()
    {
        { MediaGatewayFixture.Voice, """{"input":{"text":"a"},"parameters":{"pitch":2}}""", "pitch" },
        { MediaGatewayFixture.Voice, """{"input":{"text":"a"},"parameters":{"style":"calm"}}""", "style" },
        { MediaGatewayFixture.Voice, """{"input":{"text":"a"},"parameters":{"speed":9}}""", "speed" },
        { MediaGatewayFixture.Voice, """{"input":["a","b"]}""", "input" },
        { MediaGatewayFixture.Voice, $$"""{"input":"{{new string('a', 4097)}}"}""", "input" },
        { MediaGatewayFixture.Whisper, """{"input":"AAAA","parameters":{"voice":"alloy"}}""", "voice" },
    };

    [Theory]
    [MemberData(nameof(BadTaskCalls))]
    public async Task TheTaskApi_BadSpeechInput_Is400_AndCostsNothing(string model, string body, string param)
    {
        var (_, token) = await media.Gateway.CreateUserAsync("ttsbad-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = media.Gateway.CreateClient(token);
        var calls = media.Engine.Calls;

        using var response = await http.PostAsync($"/api-inference/v1/models/{model}", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, json.GetProperty("Code").GetInt32());
        Assert.Contains(param, json.GetProperty("Message").GetString());
        Assert.Equal(calls, media.Engine.Calls);
        Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
    }

    private static MultipartFormDataContent Upload(byte[] audio, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(audio) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "jfk.wav" },
        };
        if (!fields.Any(f => f.Name == "model"))
        {
            form.Add(new StringContent(MediaGatewayFixture.Whisper), "model");
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
