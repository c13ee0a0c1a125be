using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes;

/// <summary>The errors of picking and loading a model's runtime, the same for every runtime.</summary>
internal static class RuntimeErrors
{
    /// <summary>400 <c>model_not_supported</c>: no runtime serves this model for this endpoint.</summary>
    public static CallException NotSupported(ModelRecord model) => new(
        StatusCodes.Status400BadRequest, CallErrorKind.InvalidRequest,
        $"Model '{model.Id}' ({model.Format}, task {model.Task}) cannot be served by this endpoint.", "model", "model_not_supported");

    /// <summary>500 <c>model_load_failed</c>: the model cannot be loaded (or has no engine) on this server.</summary>
    public static CallException LoadFailed(ModelRecord model) => new(
        StatusCodes.Status500InternalServerError, CallErrorKind.Server, $"Model '{model.Id}' could not be loaded on this server.", code: "model_load_failed");
}
