using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes;

internal sealed class RuntimeSelector(IServiceProvider services, ILogger<RuntimeSelector> logger) : IRuntimeSelector
{
    public async ValueTask<TModel> LoadAsync<TModel>(ModelRecord model, CancellationToken ct)
        where TModel : class
    {
        var descriptor = Describe(model);
        var runtime = services.GetServices<IModelRuntime<TModel>>().FirstOrDefault(r => r.CanServe(descriptor)) ?? throw new CallException(
            StatusCodes.Status400BadRequest, CallErrorKind.InvalidRequest,
            $"Model '{model.Id}' ({model.Format}, task {model.Task}) cannot be served by this endpoint.", "model", "model_not_supported");
        try
        {
            return await runtime.GetAsync(descriptor, ct);
        }
        catch (ModelLoadException e)
        {
            PipelineLog.LoadFailed(logger, model.Id, e);
            throw new CallException(StatusCodes.Status500InternalServerError, CallErrorKind.Server,
                $"Model '{model.Id}' could not be loaded on this server.", code: "model_load_failed");
        }
    }

    /// <summary>The files of a record never change (a new file means remove + add), so its creation time versions them;
    /// UpdatedAt moves with card edits, which must not reload the weights.</summary>
    internal static ModelDescriptor Describe(ModelRecord model) =>
        new(model.Id, model.FilePath, model.Format, model.CreatedAt) { Task = model.Task };
}
