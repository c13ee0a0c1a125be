using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Audio;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/audio/transcriptions</c>, <c>/v1/audio/translations</c> and <c>/v1/audio/speech</c> through the
/// call pipeline, for models served by engines (vLLM, LocalAI, Speaches, whisper.cpp's server).</summary>
internal static class AudioEndpoints
{
    public static readonly CallEndpoint Transcriptions = new(OpenAIEndpoints.Protocol, "audio.transcriptions");
    public static readonly CallEndpoint Translations = new(OpenAIEndpoints.Protocol, "audio.translations");
    public static readonly CallEndpoint Speech = new(OpenAIEndpoints.Protocol, "audio.speech");

    public static IEndpointRouteBuilder MapAudio(this IEndpointRouteBuilder inference)
    {
        // The upload limit is the endpoint's (routing applies it before any middleware looks at Content-Length), not
        // the server's smaller default for JSON bodies.
        var upload = new UploadLimit(inference.ServiceProvider.GetRequiredService<IOptions<AudioOptions>>().Value.MaxUploadBytes);
        inference.MapInference<TranscriptionsAdapter, AudioRequest, PreparedAudio>("/audio/transcriptions").WithName("AudioTranscriptions").DisableAntiforgery().WithMetadata(upload);
        inference.MapInference<TranslationsAdapter, AudioRequest, PreparedAudio>("/audio/translations").WithName("AudioTranslations").DisableAntiforgery().WithMetadata(upload);
        inference.MapInference<SpeechAdapter, AudioRequest, PreparedAudio>("/audio/speech").WithName("AudioSpeech");
        return inference;
    }
}

/// <summary>An endpoint's own request body limit (<see cref="IRequestSizeLimitMetadata"/>, applied by routing).</summary>
internal sealed class UploadLimit(long maxBytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => maxBytes;
}

/// <summary>Speech to text: a multipart upload (<c>file</c>, <c>model</c>, <c>language</c>, <c>prompt</c>,
/// <c>response_format</c>, <c>temperature</c>, <c>timestamp_granularities[]</c>) up to <see cref="AudioOptions.MaxUploadBytes"/>
/// (413 beyond), passed to the engine as <see cref="EngineForm"/>; its answer (JSON, text, SRT, VTT) streams back.</summary>
internal abstract class SpeechToTextAdapter(EngineMedia engines, IOptions<AudioOptions> options, string path, CallEndpoint endpoint)
    : IWireAdapter<AudioRequest, PreparedAudio>
{
    private static readonly string[] Formats = ["json", "text", "srt", "verbose_json", "vtt"];

    public async ValueTask<AudioRequest> ReadAsync(HttpContext http)
    {
        var max = options.Value.MaxUploadBytes;
        var tooLarge = $"The upload is larger than this server's limit for audio ({max} bytes).";
        if (http.Request.ContentLength > max)
        {
            throw CallException.RequestTooLarge(tooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var form = await FormBody.ReadAsync(http, tooLarge);
        var model = FormBody.Single(form, "model") ?? throw CallException.BadRequest("'model' is required.", "model");
        if (form.Files.GetFile("file") is not { Length: > 0 })
        {
            throw CallException.BadRequest("'file' is required: the audio to transcribe.", "file");
        }

        if (FormBody.Single(form, "response_format") is { } format && !Formats.Contains(format))
        {
            throw CallException.BadRequest($"Invalid value for 'response_format': '{format}'. Use one of {string.Join(", ", Formats)}.", "response_format");
        }

        if (FormBody.Single(form, "temperature") is { } t && !(double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var temperature) && temperature is >= 0 and <= 1))
        {
            throw CallException.BadRequest("'temperature' must be a number between 0 and 1.", "temperature");
        }

        return new AudioRequest
        {
            Model = model,
            Endpoint = endpoint,
            Task = AudioTask.Recognition,
            EnginePath = path,
            EngineBody = engineModel => EngineForm.Create(form, engineModel),
        };
    }

    public async Task<IResult> RespondAsync(HttpContext http, AudioRequest request, AdmittedCall<PreparedAudio> call)
    {
        await engines.RespondAsync(http, call.Call, request.EnginePath, request.EngineBody);
        return TypedResults.Empty;
    }
}

internal sealed class TranscriptionsAdapter(EngineMedia engines, IOptions<AudioOptions> options)
    : SpeechToTextAdapter(engines, options, "audio/transcriptions", AudioEndpoints.Transcriptions);

internal sealed class TranslationsAdapter(EngineMedia engines, IOptions<AudioOptions> options)
    : SpeechToTextAdapter(engines, options, "audio/translations", AudioEndpoints.Translations);

/// <summary>Text to speech (JSON); the engine's audio streams back as it is made.</summary>
internal sealed class SpeechAdapter(EngineMedia engines) : IWireAdapter<AudioRequest, PreparedAudio>
{
    public async ValueTask<AudioRequest> ReadAsync(HttpContext http)
    {
        var (body, bytes) = await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.AudioSpeechBody, FieldPathStyle.Brackets);
        body.Check();
        return new AudioRequest
        {
            Model = body.Model,
            Endpoint = AudioEndpoints.Speech,
            Task = AudioTask.Synthesis,
            EnginePath = "audio/speech",
            EngineBody = engineModel => EngineRequestBody.Create(bytes, engineModel, forceUsage: false),
        };
    }

    public async Task<IResult> RespondAsync(HttpContext http, AudioRequest request, AdmittedCall<PreparedAudio> call)
    {
        await engines.RespondAsync(http, call.Call, request.EnginePath, request.EngineBody);
        return TypedResults.Empty;
    }
}
