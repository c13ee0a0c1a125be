using OpenMaas.Core.Catalog;
using OpenMaas.Inference.Llama;

namespace OpenMaas.Server.Runtimes;

/// <summary>Core's registrar reads GGUF files through the llama.cpp runtime's own reader.</summary>
internal sealed class GgufFileInspector : IModelFileInspector
{
    public string Format => ModelFormats.Gguf;

    public ModelFileFacts Inspect(string path)
    {
        try
        {
            var meta = GgufReader.Read(path);
            return new ModelFileFacts(meta.Architecture, meta.ParameterCount, meta.ContextLength, meta.ChatTemplate);
        }
        catch (OverflowException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
