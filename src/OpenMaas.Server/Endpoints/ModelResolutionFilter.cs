using OpenMaas.Core.Catalog;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Metering;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Endpoints;

/// <summary>
/// Finds the model the (already validated) request names; 404 <c>model_not_found</c> otherwise, 403
/// <c>model_not_api_inference</c> when its API-Inference is off. Runs before the quota
/// filter, so a request for an unknown model costs nothing. Sets the <see cref="InferenceCall"/> feature.
/// </summary>
internal sealed class ModelResolutionFilter(IModelCatalog catalog, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (model, endpoint) = FindRequest(context);
        var record = EnsureServed(model, await catalog.FindAsync(model, context.HttpContext.RequestAborted));
        EnsureAllowed(context.HttpContext, record.Id);
        context.HttpContext.Features.Set(new InferenceCall { Model = record, Endpoint = endpoint, StartedAt = clock.GetUtcNow() });
        return await next(context);
    }

    /// <summary>404 <c>model_not_found</c> for an unknown model; 403 <c>model_not_api_inference</c> for a known one
    /// without API-Inference (the library shows it, /v1 does not serve it).</summary>
    internal static ModelRecord EnsureServed(string id, ModelRecord? record)
    {
        if (record is null)
        {
            throw new OpenAIException(StatusCodes.Status404NotFound, $"The model '{id}' does not exist or you do not have access to it.",
                OpenAIErrorTypes.InvalidRequest, "model", "model_not_found");
        }

        if (!record.ApiInference)
        {
            var why = !record.Servable ? "this server cannot run it"
                : record.ApiInferenceMode == ApiInferenceMode.Off ? "an admin turned it off"
                : "it is not among the most popular models in the library";
            throw new OpenAIException(StatusCodes.Status403Forbidden,
                $"The model '{id}' is in the library but does not offer API-Inference ({why}). Pick a model with API-Inference from GET /v1/models.",
                OpenAIErrorTypes.InvalidRequest, "model", "model_not_api_inference");
        }

        return record;
    }

    /// <summary>403 <c>model_not_allowed</c> when the calling token's scope leaves the model out.</summary>
    internal static void EnsureAllowed(HttpContext http, string modelId)
    {
        if (TokenScopeCheck.Refusal(http.TokenScope(), modelId) is { } message)
        {
            throw new OpenAIException(StatusCodes.Status403Forbidden, message, OpenAIErrorTypes.Permission, "model", TokenScopeCheck.Code);
        }
    }

    private static (string Model, string Endpoint) FindRequest(EndpointFilterInvocationContext context)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IInferenceRequest request)
            {
                return (request.Model, request.Endpoint);
            }
        }

        throw new InvalidOperationException("ModelResolutionFilter needs an IInferenceRequest argument.");
    }
}
