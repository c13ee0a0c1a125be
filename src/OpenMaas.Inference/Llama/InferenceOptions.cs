using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Inference.Llama;

/// <summary>Settings of the local llama.cpp runtime (section <c>Inference</c>).</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string Section = "Inference";

    /// <summary>Sequences decoded together per loaded model (llama.cpp <c>n_seq_max</c>).</summary>
    [Range(1, 256)]
    public int ParallelSequences { get; set; } = 8;

    /// <summary>Requests that may wait for a free sequence slot; beyond it the model answers "busy".</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 64;

    /// <summary>Tokens per sequence (prompt + completion), capped at the model's training context.</summary>
    [Range(16, 1_048_576)]
    public int ContextSize { get; set; } = 2048;

    /// <summary>Most tokens submitted to one <c>llama_decode</c> (long prompts are prefilled in chunks).</summary>
    [Range(2, 65_536)]
    public int BatchSize { get; set; } = 512;

    [Range(1, 1024)]
    public int Threads { get; set; } = 1;

    /// <summary>Pins each model's decode thread to this CPU (Linux; elsewhere ignored), or null (the default) to let the
    /// kernel place it. Meant for <see cref="Threads"/> = 1 on a machine with few cores, together with keeping the rest
    /// of the process off that CPU (e.g. <c>taskset</c>); on its own it measured no gain (bench/README.md, issue 20 results).</summary>
    [Range(0, 1023)]
    public int? DecodeThreadCpu { get; set; }

    /// <summary>A model without active or queued work is unloaded after this many seconds.</summary>
    [Range(1, int.MaxValue)]
    public int IdleUnloadSeconds { get; set; } = 600;

    /// <summary>Estimated memory all loaded models may use; least recently used idle models are unloaded first.</summary>
    [Range(1, int.MaxValue)]
    public int MemoryBudgetMiB { get; set; } = 8192;

    /// <summary>Per-sequence KV streams (llama.cpp <c>kv_unified = false</c>): faster for independent sequences.</summary>
    public bool SplitKvCache { get; set; } = true;

    /// <summary>llama.cpp flash attention. Off by default: on CPU it is several times slower for small models
    /// (bench/README.md); turn it on for long contexts on large models.</summary>
    public bool FlashAttention { get; set; }

    /// <summary>KV cache element type: <c>F16</c> (half the memory) or <c>F32</c> (faster on CPU for small models).</summary>
    [AllowedValues("F16", "F32")]
    public string KvCacheType { get; set; } = "F16";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BatchSize <= ParallelSequences)
        {
            yield return new ValidationResult(
                $"BatchSize ({BatchSize}) must exceed ParallelSequences ({ParallelSequences}) so prompts can be prefilled while every slot decodes.",
                [nameof(BatchSize), nameof(ParallelSequences)]);
        }
    }
}
