using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Runtimes.Audio;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>The typed path of text to speech on a model's engines, for the task API: one OpenAI
/// <c>/audio/speech</c> request (<c>response_format: wav</c>, as ModelScope's <c>output_wav</c> is), the audio read
/// back whole, at most <see cref="AudioOptions.MaxSpeechBytes"/>.</summary>
internal sealed class EngineSpeech(UpstreamInvoker invoker, IOptions<AudioOptions> options)
{
    /// <summary>OpenAI's limit of characters to speak in one call.</summary>
    public const int MaxInput = 4096;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<byte[]> SpeakAsync(string modelId, string text, string? voice, double? speed, CancellationToken ct)
    {
        try
        {
            await using var answer = await invoker.SendAsync(new UpstreamRequest(modelId, "audio/speech", model => Body(model, text, voice, speed), Streaming: false, null), ct);
            return (await EngineAnswer.ReadAllAsync(answer, options.Value.MaxSpeechBytes)).ToArray();
        }
        catch (UpstreamException e)
        {
            throw Pipeline.EngineErrors.ToCallException(e, modelId);
        }
    }

    private static ByteArrayContent Body(string model, string text, string? voice, double? speed)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("input", text);
            if (voice is not null)
            {
                json.WriteString("voice", voice);
            }

            json.WriteString("response_format", "wav");
            if (speed is { } s)
            {
                json.WriteNumber("speed", s);
            }

            json.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = Json;
        return content;
    }
}
