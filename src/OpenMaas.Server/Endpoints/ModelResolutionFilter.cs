using OpenMaas.Core.Catalog;
using OpenMaas.Server.Metering;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Endpoints;

/// <summary>
/// Finds the model the (already validated) request names; 404 <c>model_not_found</c> otherwise. Runs before the quota
/// filter, so a request for an unknown model costs nothing. Sets the <see cref="InferenceCall"/> feature.
/// </summary>
internal sealed class ModelResolutionFilter(IModelCatalog catalog, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (model, endpoint) = FindRequest(context);
        var record = await catalog.FindAsync(model, context.HttpContext.RequestAborted) ?? throw new OpenAIException(
            StatusCodes.Status404NotFound, $"The model '{model}' does not exist or you do not have access to it.",
            OpenAIErrorTypes.InvalidRequest, "model", "model_not_found");
        context.HttpContext.Features.Set(new InferenceCall { Model = record, Endpoint = endpoint, StartedAt = clock.GetUtcNow() });
        return await next(context);
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
