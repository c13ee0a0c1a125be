namespace OpenMaas.Inference.Abstractions;

/// <summary>What a runtime needs to load a model. <see cref="Version"/> changes when the file changes, so a
/// re-registered model is reloaded.</summary>
public sealed record ModelDescriptor(string Id, string FilePath, string Format, DateTimeOffset Version);
