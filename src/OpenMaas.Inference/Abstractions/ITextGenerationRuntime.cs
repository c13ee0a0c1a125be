namespace OpenMaas.Inference.Abstractions;

/// <summary>A runtime of text-generation models (llama.cpp for GGUF; an upstream engine next).</summary>
public interface ITextGenerationRuntime : IModelRuntime<ITextGenerationModel>;
