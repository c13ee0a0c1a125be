using System.Text.Json;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>The typed path of speech recognition on a model's engines, for the task API: the audio goes to the
/// engine's <c>/audio/transcriptions</c> as a form (<c>response_format: json</c>), its <c>text</c> comes back.</summary>
internal sealed class EngineTranscription(UpstreamInvoker invoker)
{
    public async Task<string> TranscribeAsync(string modelId, ReadOnlyMemory<byte> audio, CancellationToken ct)
    {
        try
        {
            await using var answer = await invoker.SendAsync(new UpstreamRequest(modelId, "audio/transcriptions", model => Form(model, audio), Streaming: false, null), ct);
            var json = await EngineAnswer.ReadAllAsync(answer);
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetProperty("text").GetString() ?? string.Empty;
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, modelId);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CallException(StatusCodes.Status502BadGateway, CallErrorKind.Server,
                $"The inference engine of model '{modelId}' gave a transcription OpenMaaS cannot read.", code: "upstream_error");
        }
    }

    private static MultipartFormDataContent Form(string model, ReadOnlyMemory<byte> audio) => new()
    {
        { new StringContent(model), "model" },
        { new StringContent("json"), "response_format" },
        { new ReadOnlyMemoryContent(audio), "file", "audio.wav" },
    };
}
