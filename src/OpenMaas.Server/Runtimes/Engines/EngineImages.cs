using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Images;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Image generation on a model's engines (OpenAI's images API: LocalAI, stable-diffusion.cpp's server, vLLM-Omni,
/// another OpenMaaS): the request goes with the engine's model name and <c>response_format: b64_json</c>, so the
/// images come back in the answer and OpenMaaS keeps and serves them itself (an engine's own links would point inside
/// the cluster). Failures are <see cref="CallException"/>s like any engine call's.
/// </summary>
internal sealed class EngineImages(UpstreamInvoker invoker, IOptions<ImageOptions> options)
{
    /// <param name="modelId">The Model ID.</param>
    /// <param name="path"><c>images/generations</c> or <c>images/edits</c>.</param>
    /// <param name="body">The request for the engine, given its name of the model.</param>
    /// <param name="requestId">Sent along for the engine's logs.</param>
    /// <param name="ct">Stops the engine's request.</param>
    public async Task<IReadOnlyList<GeneratedImage>> GenerateAsync(string modelId, string path, Func<string, HttpContent> body, string? requestId, CancellationToken ct)
    {
        try
        {
            await using var answer = await invoker.SendAsync(new UpstreamRequest(modelId, path, body, Streaming: false, requestId), ct);
            return Read((await EngineAnswer.ReadAllAsync(answer, options.Value.MaxAnswerBytes)).Span, modelId);
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, modelId);
        }
    }

    /// <summary>The body of a JSON request as the engine gets it.</summary>
    public static Func<string, HttpContent> Json(ReadOnlyMemory<byte> clientBody) => model => EngineRequestBody.Create(clientBody, model, forceUsage: false, responseFormat: "b64_json");

    /// <summary>The images of an OpenAI images answer <c>{"created","data":[{"b64_json"}]}</c>.</summary>
    internal static List<GeneratedImage> Read(ReadOnlySpan<byte> json, string modelId)
    {
        try
        {
            var answer = JsonDocument.Parse(json.ToArray()).RootElement;
            var images = new List<GeneratedImage>();
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in data.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("b64_json", out var b64) && b64.ValueKind == JsonValueKind.String)
                    {
                        var bytes = b64.GetBytesFromBase64();
                        images.Add(new GeneratedImage(bytes, GeneratedImage.Sniff(bytes)));
                    }
                }
            }

            return images.Count > 0 ? images : throw Malformed(modelId, "no b64_json image in 'data'");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw Malformed(modelId, e.Message);
        }
    }

    private static CallException Malformed(string modelId, string why) => new(StatusCodes.Status502BadGateway, CallErrorKind.Server,
        $"The inference engine of model '{modelId}' gave no images OpenMaaS can read ({why}).", code: "upstream_error");
}
