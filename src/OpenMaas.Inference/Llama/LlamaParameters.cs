using LLama;
using LLama.Common;
using LLama.Native;

namespace OpenMaas.Inference.Llama;

/// <summary>LLamaSharp parameters derived from <see cref="InferenceOptions"/>, and the memory estimate of a model.</summary>
internal static class LlamaParameters
{
    public static ModelParams ForWeights(string path, InferenceOptions options) => new(path)
    {
        GpuLayerCount = 0,
        Threads = options.Threads,
        BatchThreads = options.Threads,
    };

    /// <summary>One context for all sequences: <c>n_ctx = contextLength × ParallelSequences</c>, so that with split
    /// KV streams each sequence gets exactly <paramref name="contextLength"/> cells.</summary>
    public static ModelParams ForContext(string path, InferenceOptions options, int contextLength) => new(path)
    {
        GpuLayerCount = 0,
        ContextSize = checked((uint)(contextLength * options.ParallelSequences)),
        SeqMax = (uint)options.ParallelSequences,
        KVUnified = !options.SplitKvCache,
        BatchSize = (uint)options.BatchSize,
        UBatchSize = (uint)options.BatchSize,
        Threads = options.Threads,
        BatchThreads = options.Threads,
        FlashAttention = options.FlashAttention,
        TypeK = KvType(options),
        TypeV = KvType(options),
    };

    private static GGMLType KvType(InferenceOptions options) => options.KvCacheType == "F32" ? GGMLType.GGML_TYPE_F32 : GGMLType.GGML_TYPE_F16;

    /// <summary>File size + KV cache for every sequence + logits for one step of every sequence.</summary>
    public static long EstimateBytes(LLamaWeights weights, long fileBytes, InferenceOptions options)
    {
        var model = weights.NativeHandle;
        var contextLength = LlamaModel.ContextLengthFor(weights, options);
        var heads = Math.Max(1, model.HeadCount);
        var kvWidth = (long)weights.EmbeddingSize / heads * Math.Max(1, model.KVHeadCount);
        var kv = 2L * model.LayerCount * kvWidth * contextLength * options.ParallelSequences * (options.KvCacheType == "F32" ? sizeof(float) : sizeof(short));
        var logits = (long)weights.Vocab.Count * options.ParallelSequences * sizeof(float);
        return fileBytes + kv + logits;
    }
}
