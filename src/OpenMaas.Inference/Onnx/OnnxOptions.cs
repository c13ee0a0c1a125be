using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Inference.Onnx;

/// <summary>Settings of the ONNX Runtime runtime (section <c>Onnx</c>). Idle unload and the memory budget are the
/// shared ones of section <c>Inference</c>.</summary>
public sealed class OnnxOptions
{
    public const string Section = "Onnx";

    /// <summary>Registers the built-in sentence encoder sentence-transformers/all-MiniLM-L6-v2 at start.</summary>
    public bool BuiltInEmbeddingModel { get; set; } = true;

    /// <summary>Threads one ONNX Runtime run may use (0: ONNX Runtime decides). With 1, parallelism comes from
    /// <see cref="BatchRuns"/> (embeddings, ranking) and <see cref="ConcurrentRuns"/> (tasks): whole runs side by side
    /// rather than every operator split across threads.</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Whether ONNX Runtime's intra-op threads busy-wait between operators (only matters with
    /// <see cref="IntraOpThreads"/> other than 1). Off: on a small machine the spinning takes the cores that HTTP needs.</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>ONNX Runtime's graph optimisation level (node fusions) when a session opens.</summary>
    [EnumDataType(typeof(OnnxGraphOptimization))]
    public OnnxGraphOptimization GraphOptimization { get; set; } = OnnxGraphOptimization.All;

    /// <summary>Model runs one embedding or ranking batch is spread over at once, each on its own thread.</summary>
    [Range(1, 256)]
    public int BatchRuns { get; set; } = 2;

    /// <summary>Most padding a run of a batch may carry, in percent of its positions: a batch's inputs are sorted by
    /// length and cut into runs each padded only to its own longest input (0: only equal lengths share a run).</summary>
    [Range(0, 100)]
    public int MaxPaddingPercent { get; set; } = 25;

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

/// <summary>ONNX Runtime's graph optimisation levels (<c>GraphOptimizationLevel</c>).</summary>
public enum OnnxGraphOptimization
{
    /// <summary>No rewrites.</summary>
    None,

    /// <summary>Constant folding and redundant-node removal.</summary>
    Basic,

    /// <summary>Also the fusions of the CPU provider (GELU, layer norm, attention where the pattern matches).</summary>
    Extended,

    /// <summary>Also layout changes (NCHWc) for convolutions.</summary>
    All,
}
