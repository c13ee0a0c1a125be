namespace OpenMaas.Core.Catalog;

/// <summary>Registers files of another format than the registrar's own (e.g. ONNX task models) when it recognises the
/// request by its task and content; the registrar asks each importer before it reads the file itself.</summary>
public interface IModelImporter
{
    /// <summary>True when this importer takes the request.</summary>
    bool CanImport(ModelRegistrar.Request request);

    /// <summary>Registers the model, using <paramref name="registrar"/>'s store; returns an exit status like the registrar.</summary>
    Task<int> AddAsync(ModelRegistrar registrar, ModelRegistrar.Request request, TextWriter output, TextWriter error, CancellationToken ct);
}
