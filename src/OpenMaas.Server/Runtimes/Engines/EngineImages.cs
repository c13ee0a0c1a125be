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
/// the cluster). An engine that answers links anyway (<c>{"data":[{"url"}]}</c>) has each image fetched from its own
/// origin only, bounded by <see cref="ImageOptions.MaxImageBytes"/> and <see cref="ImageOptions.FetchTimeoutSeconds"/>;
/// the client cannot tell the two apart. Failures are <see cref="CallException"/>s like any engine call's.
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
        var o = options.Value;
        try
        {
            await using var answer = await invoker.SendAsync(new UpstreamRequest(modelId, path, body, Streaming: false, requestId), ct);
            var items = Read((await EngineAnswer.ReadAllAsync(answer, o.MaxAnswerBytes)).Span, modelId);
            var images = new List<GeneratedImage>(items.Count);
            foreach (var item in items)
            {
                images.Add(item.Bytes is { } bytes ? Image(bytes)
                    : Image(await invoker.FetchAsync(answer.Endpoint.Target, item.Url!, o.MaxImageBytes, TimeSpan.FromSeconds(o.FetchTimeoutSeconds), ct)));
            }

            return images;
        }
        catch (UpstreamException e) when (e.Failure == UpstreamFailure.Malformed || (e.Failure == UpstreamFailure.ServerError && e.UpstreamStatus is null))
        {
            throw Malformed(modelId, e.Message);
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, modelId);
        }
    }

    /// <summary>The body of a JSON request as the engine gets it.</summary>
    public static Func<string, HttpContent> Json(ReadOnlyMemory<byte> clientBody) => model => EngineRequestBody.Create(clientBody, model, forceUsage: false, responseFormat: "b64_json");

    /// <summary>The images of an OpenAI images answer <c>{"created","data":[{"b64_json"}|{"url"}]}</c>: bytes, or the
    /// link to fetch.</summary>
    internal static List<(byte[]? Bytes, string? Url)> Read(ReadOnlySpan<byte> json, string modelId)
    {
        try
        {
            var answer = JsonDocument.Parse(json.ToArray()).RootElement;
            var images = new List<(byte[]?, string?)>();
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in data.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (item.TryGetProperty("b64_json", out var b64) && b64.ValueKind == JsonValueKind.String)
                    {
                        images.Add((b64.GetBytesFromBase64(), null));
                    }
                    else if (item.TryGetProperty("url", out var url) && url.GetString() is { Length: > 0 } link)
                    {
                        images.Add((null, link));
                    }
                }
            }

            return images.Count > 0 ? images : throw Malformed(modelId, "no b64_json or url image in 'data'");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw Malformed(modelId, e.Message);
        }
    }

    private static GeneratedImage Image(byte[] bytes) => new(bytes, GeneratedImage.Sniff(bytes));

    private static CallException Malformed(string modelId, string why) => new(StatusCodes.Status502BadGateway, CallErrorKind.Server,
        $"The inference engine of model '{modelId}' gave no images OpenMaaS can read ({why}).", code: "upstream_error");
}
