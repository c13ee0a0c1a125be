using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Generation;

internal sealed class ModelResolver(IEnumerable<ITextGenerationRuntime> runtimes, ILogger<ModelResolver> logger) : IModelResolver
{
    private readonly ITextGenerationRuntime[] _runtimes = [.. runtimes];

    public async ValueTask<ITextGenerationModel> LoadAsync(ModelRecord model, CancellationToken ct)
    {
        // The files of a record never change (a new file means remove + add), so its creation time versions them;
        // UpdatedAt moves with card edits, which must not reload the weights.
        var descriptor = new ModelDescriptor(model.Id, model.FilePath, model.Format, model.CreatedAt);
        var runtime = Array.Find(_runtimes, r => r.CanServe(descriptor)) ?? throw new OpenAIException(
            StatusCodes.Status400BadRequest, $"Model '{model.Id}' ({model.Format}, task {model.Task}) cannot be served by this endpoint.",
            OpenAIErrorTypes.InvalidRequest, "model", "model_not_supported");
        try
        {
            return await runtime.GetAsync(descriptor, ct);
        }
        catch (ModelLoadException e)
        {
            GenerationLog.LoadFailed(logger, model.Id, e);
            throw new OpenAIException(StatusCodes.Status500InternalServerError,
                $"Model '{model.Id}' could not be loaded on this server.", OpenAIErrorTypes.Server, null, "model_load_failed");
        }
    }
}
