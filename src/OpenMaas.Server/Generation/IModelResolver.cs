using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Generation;

/// <summary>Turns a catalog entry into a loaded model of the runtime that serves its format.</summary>
internal interface IModelResolver
{
    ValueTask<ITextGenerationModel> LoadAsync(ModelRecord model, CancellationToken ct);
}
