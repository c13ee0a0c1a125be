using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes;
using OpenMaas.Server.Runtimes.Embeddings;
using OpenMaas.Server.Upstream;

namespace OpenMaas.Server.OpenAI;

/// <summary><c>POST /v1/embeddings</c> through the call pipeline.</summary>
internal static class EmbeddingsEndpoints
{
    public static readonly CallEndpoint Embeddings = new(OpenAIEndpoints.Protocol, "embeddings");

    public static IEndpointRouteBuilder MapEmbeddings(this IEndpointRouteBuilder inference)
    {
        inference.MapInference<EmbeddingsAdapter, EmbeddingRequest, PreparedEmbedding>("/embeddings").WithName("Embeddings");
        return inference;
    }
}

/// <summary>The wire adapter of <c>POST /v1/embeddings</c>: float or base64 vectors, usage with the tokens used.</summary>
internal sealed class EmbeddingsAdapter(UpstreamProxy upstream, TimeProvider clock) : IWireAdapter<EmbeddingRequest, PreparedEmbedding>
{
    public async ValueTask<EmbeddingRequest> ReadAsync(HttpContext http)
    {
        var body = await RequestReader.ReadAsync(http, OpenAIJson.Default.EmbeddingsRequest);
        var inputs = body.ToInputs();
        // The encoding is this surface's business, not the neutral request's: kept with the HTTP request.
        http.Items[typeof(EmbeddingsAdapter)] = body.Base64;
        return new EmbeddingRequest
        {
            Model = body.Model,
            Endpoint = EmbeddingsEndpoints.Embeddings,
            Inputs = inputs,
            Dimensions = body.Dimensions,
        };
    }

    public async Task<IResult> RespondAsync(HttpContext http, EmbeddingRequest request, AdmittedCall<PreparedEmbedding> call)
    {
        if (call.Prepared is not PreparedEmbedding.Local local)
        {
            // An upstream engine speaks OpenAI too: the request (encoding_format, dimensions, …) and its answer pass
            // through as bytes; the engine's usage.prompt_tokens is recorded.
            var raw = http.Features.Get<RawRequestBody>()!;
            await upstream.RunAsync(http, call.Call, new UpstreamCall("embeddings", raw.Bytes, Stream: false, ClientWantsUsage: false));
            return TypedResults.Empty;
        }

        IReadOnlyList<Embedding> embeddings;
        try
        {
            embeddings = await local.Model.EmbedAsync(local.Tokens, http.RequestAborted);
        }
        catch (Exception e) when (e is SchedulerFullException or InferenceException)
        {
            throw RuntimeFailures.Translate(e);
        }

        var tokens = embeddings.Sum(e => e.Tokens);
        call.Call.SetUsage(tokens, 0);
        call.Call.MarkFirstOutput(clock.GetUtcNow());
        var base64 = http.Items[typeof(EmbeddingsAdapter)] is true;
        return TypedResults.Bytes(EmbeddingsFormat.Write(request.Model, embeddings, base64), "application/json");
    }
}
