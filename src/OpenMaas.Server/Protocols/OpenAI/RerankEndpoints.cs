using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Ranking;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/rerank</c> (and <c>/rerank</c>, as vLLM and Xinference accept) through the call pipeline.</summary>
internal static class RerankEndpoints
{
    public static readonly CallEndpoint Rerank = new(OpenAIEndpoints.Protocol, "rerank");

    public static IEndpointRouteBuilder MapRerank(this IEndpointRouteBuilder inference, string name = "Rerank")
    {
        inference.MapInference<RerankAdapter, RerankRequest, PreparedRerank>("/rerank").WithName(name);
        return inference;
    }
}

/// <summary>The wire adapter of <c>/v1/rerank</c>: local models score here, engines' answers pass through with their
/// scores unchanged.</summary>
internal sealed class RerankAdapter(IPassThroughResponder passThrough, TimeProvider clock) : IWireAdapter<RerankRequest, PreparedRerank>
{
    public async ValueTask<RerankRequest> ReadAsync(HttpContext http)
    {
        var (body, bytes) = await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.RerankBody, FieldPathStyle.Brackets);
        var (query, documents) = body.Read();
        return new RerankRequest
        {
            Model = body.Model,
            Endpoint = RerankEndpoints.Rerank,
            Query = query,
            Documents = documents,
            TopN = body.TopN,
            ReturnDocuments = body.ReturnDocuments == true,
            PassThrough = new PassThroughRequest("rerank", bytes, Stream: false, ClientWantsUsage: false),
        };
    }

    public async Task<IResult> RespondAsync(HttpContext http, RerankRequest request, AdmittedCall<PreparedRerank> call)
    {
        if (call.Prepared is PreparedRerank.PassThrough pass)
        {
            await passThrough.RespondAsync(http, call.Call, pass.Request);
            return TypedResults.Empty;
        }

        var scored = await RerankScoring.ScoreAsync(call.Prepared, http.RequestAborted);
        call.Call.SetUsage(scored.Tokens, 0);
        call.Call.MarkFirstOutput(clock.GetUtcNow());
        var order = RerankScoring.Order(scored.Scores, request.TopN);
        var body = RerankFormat.Write("rerank-" + http.TraceIdentifier, request.Model, order, scored.Scores, request.ReturnDocuments ? request.Documents : null, scored.Tokens);
        return TypedResults.Bytes(body, "application/json");
    }
}
