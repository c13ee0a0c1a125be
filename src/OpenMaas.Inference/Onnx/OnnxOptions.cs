using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Inference.Onnx;

/// <summary>Settings of the ONNX Runtime runtime (section <c>Onnx</c>). Idle unload and the memory budget are the
/// shared ones of section <c>Inference</c>.</summary>
public sealed class OnnxOptions
{
    public const string Section = "Onnx";

    /// <summary>Registers the built-in sentence encoder sentence-transformers/all-MiniLM-L6-v2 at start.</summary>
    public bool BuiltInEmbeddingModel { get; set; } = true;

    /// <summary>Threads one ONNX Runtime run may use (0: ONNX Runtime decides).</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Most inputs one embedding model run takes (concurrent requests are batched up to it).</summary>
    [Range(1, 2048)]
    public int MaxBatchInputs { get; set; } = 32;

    /// <summary>How long the batcher waits for more inputs after the first one arrived.</summary>
    [Range(0, 1000)]
    public int BatchWaitMilliseconds { get; set; } = 2;

    /// <summary>Inputs (embeddings) or calls (tasks) that may wait per model; beyond it the model answers "busy".</summary>
    [Range(1, 1_000_000)]
    public int QueueLimit { get; set; } = 4096;

    /// <summary>Task calls (vision, audio) that run at once per model.</summary>
    [Range(1, 256)]
    public int ConcurrentRuns { get; set; } = 2;

    /// <summary>Images with more pixels (read from the header, before decoding) are refused.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Audio longer than this is refused.</summary>
    [Range(1, 86_400)]
    public int MaxAudioSeconds { get; set; } = 600;
}
