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
        var runtime = services.GetServices<IModelRuntime<TModel>>().FirstOrDefault(r => r.CanServe(descriptor)) ?? throw RuntimeFailures.NotSupported(model);
        try
        {
            return await runtime.GetAsync(descriptor, ct);
        }
        catch (ModelLoadException e)
        {
            PipelineLog.LoadFailed(logger, model.Id, e);
            throw RuntimeFailures.LoadFailed(model);
        }
    }

    /// <summary>The files of a record never change (a new file means remove + add), so its creation time versions them;
    /// UpdatedAt moves with card edits, which must not reload the weights.</summary>
    internal static ModelDescriptor Describe(ModelRecord model) =>
        new(model.Id, model.FilePath, model.Format, model.CreatedAt) { Task = model.Task };
}
