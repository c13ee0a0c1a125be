using OpenMaas.Server.Operations;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The one call pipeline under every inference endpoint of every surface:
/// read + validate (adapter, 400) → resolve the model (404) → authorizers in order (403: API-Inference, token scope)
/// → prepare on the model's runtime (400 that need the model; 500 when it cannot load) → admit (429, fail closed) →
/// run and respond (adapter). Everything before admission costs no call and writes no usage record.
/// </summary>
internal sealed class CallPipeline(
    ModelResolution resolution, IEnumerable<ICallAuthorizer> authorizers, TimeProvider clock, QuotaAdmission admission, ReadinessState readiness)
{
    private readonly ICallAuthorizer[] _authorizers = [.. authorizers.OrderBy(a => a.Order)];

    /// <summary>Runs one call through every step for the endpoint that <paramref name="adapter"/> speaks.</summary>
    public async Task<IResult> RunAsync<TRequest, TPrepared>(HttpContext http, IWireAdapter<TRequest, TPrepared> adapter)
        where TRequest : IInferenceRequest
    {
        var ct = http.RequestAborted;
        var request = await adapter.ReadAsync(http);
        var call = await AuthorizeAsync(http, request);
        var preparer = http.RequestServices.GetRequiredService<ICallPreparer<TRequest, TPrepared>>();
        var prepared = await preparer.PrepareAsync(request, call, ct);
        // A draining node refuses before admission (503): the call costs nothing and the client retries on another node.
        if (readiness.Draining)
        {
            http.Response.Headers.Connection = "close";
            throw new CallException(503, CallErrorKind.Overloaded, "This OpenMaaS node is shutting down; retry the call (another node will take it).",
                code: "shutting_down") { RetryAfterSeconds = 1 };
        }

        return await admission.RunAsync(http, call, prepared, admitted =>
        {
            RequestTiming.HandOff(http, call.Model.Id);
            return adapter.RespondAsync(http, request, admitted);
        });
    }

    /// <summary>The steps before preparation: resolve the model (404) and run the authorizers (403). Also used alone
    /// by free endpoints that need the model but make no call (Anthropic's <c>count_tokens</c>).</summary>
    public async Task<InferenceCall> AuthorizeAsync(HttpContext http, IInferenceRequest request)
    {
        var ct = http.RequestAborted;
        var model = await resolution.ResolveAsync(request.Model, http.User, ct);
        var call = new InferenceCall { Caller = http.User, Model = model, Endpoint = request.Endpoint, StartedAt = clock.GetUtcNow() };
        foreach (var authorizer in _authorizers)
        {
            await authorizer.AuthorizeAsync(call, ct);
        }

        return call;
    }
}
