using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// A check between model resolution and preparation/admission: may this caller call this model here? Throws a
/// <see cref="CallException"/> (403) to refuse; a refused call costs nothing. The pipeline runs every registered
/// authorizer in ascending <see cref="Order"/>. API-Inference (order 100) is the first; the token's model scope
/// (403 <c>model_not_allowed</c>) goes beside it.
/// </summary>
public interface ICallAuthorizer
{
    /// <summary>Position in the chain; lower runs first.</summary>
    int Order { get; }

    /// <summary>Returns when the call may go on; throws <see cref="CallException"/> otherwise.</summary>
    ValueTask AuthorizeAsync(InferenceCall call, CancellationToken ct);
}

/// <summary>403 <c>model_not_api_inference</c> for a model in the library whose API-Inference is off.</summary>
internal sealed class ApiInferenceAuthorizer : ICallAuthorizer
{
    public int Order => 100;

    public ValueTask AuthorizeAsync(InferenceCall call, CancellationToken ct)
    {
        EnsureApiInference(call.Model);
        return ValueTask.CompletedTask;
    }

    /// <summary>Throws 403 when the library shows the model but /v1 does not serve it.</summary>
    internal static ModelRecord EnsureApiInference(ModelRecord record)
    {
        if (!record.ApiInference)
        {
            var why = !record.Servable ? "this server cannot run it"
                : record.ApiInferenceMode == ApiInferenceMode.Off ? "an admin turned it off"
                : "it is not among the most popular models in the library";
            throw new CallException(StatusCodes.Status403Forbidden, CallErrorKind.InvalidRequest,
                $"The model '{record.Id}' is in the library but does not offer API-Inference ({why}). Pick a model with API-Inference from GET /v1/models.",
                "model", "model_not_api_inference");
        }

        return record;
    }
}
