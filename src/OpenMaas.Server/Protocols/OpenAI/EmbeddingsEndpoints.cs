using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.Embeddings;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Protocols.OpenAI;

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
internal sealed class EmbeddingsAdapter(IPassThroughResponder passThrough, TimeProvider clock) : IWireAdapter<EmbeddingRequest, PreparedEmbedding>
{
    public async ValueTask<EmbeddingRequest> ReadAsync(HttpContext http)
    {
        var (body, bytes) = await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.EmbeddingsRequest, FieldPathStyle.Brackets);
        return new EmbeddingRequest
        {
            Model = body.Model,
            Endpoint = EmbeddingsEndpoints.Embeddings,
            Inputs = body.ToInputs(),
            Dimensions = body.Dimensions,
            Base64 = body.Base64,
            PassThrough = new PassThroughRequest("embeddings", bytes, Stream: false, ClientWantsUsage: false),
        };
    }

    public async Task<IResult> RespondAsync(HttpContext http, EmbeddingRequest request, AdmittedCall<PreparedEmbedding> call)
    {
        if (call.Prepared is PreparedEmbedding.PassThrough pass)
        {
            // An upstream engine speaks OpenAI too: the request (encoding_format, dimensions, …) and its answer pass
            // through as bytes; the engine's usage.prompt_tokens is recorded.
            await passThrough.RespondAsync(http, call.Call, pass.Request);
            return TypedResults.Empty;
        }

        var local = (PreparedEmbedding.Local)call.Prepared;
        IReadOnlyList<Embedding> embeddings;
        try
        {
            embeddings = await local.Model.EmbedAsync(local.Tokens, http.RequestAborted);
        }
        catch (Exception e) when (RuntimeFailures.IsRuntimeFailure(e))
        {
            throw RuntimeFailures.Translate(e, request.Model);
        }

        var tokens = embeddings.Sum(e => e.Tokens);
        call.Call.SetUsage(tokens, 0);
        call.Call.MarkFirstOutput(clock.GetUtcNow());
        return TypedResults.Bytes(EmbeddingsFormat.Write(request.Model, embeddings, request.Base64), "application/json");
    }
}
