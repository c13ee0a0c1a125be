using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Inference.Onnx;

/// <summary>
/// The declared config of an ONNX model, written next to it by <c>model add</c> (file <see cref="FileName"/>) from the
/// task's defaults and what the graph declares; edit it to override. Pre- and post-processing read only this.
/// </summary>
public sealed class OnnxTaskConfig
{
    public const string FileName = "onnx-task.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Task { get; set; }

    /// <summary>The ONNX file, relative to this config's folder or absolute.</summary>
    public required string Model { get; set; }

    /// <summary>The NuGet package whose embedded resources hold the files (extracted at first use).</summary>
    public string? Embedded { get; set; }

    public List<TensorSpec> Inputs { get; set; } = [];

    public List<TensorSpec> Outputs { get; set; } = [];

    public ImageConfig? Image { get; set; }

    public ClassificationConfig? Classification { get; set; }

    public DetectionConfig? Detection { get; set; }

    public VadConfig? Vad { get; set; }

    public EmbeddingConfig? Embedding { get; set; }

    public RankingConfig? Ranking { get; set; }

    public static OnnxTaskConfig Read(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<OnnxTaskConfig>(stream, Json) ?? throw new InvalidDataException($"{path} is empty.");
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>A path named by the config, resolved against the config's folder.</summary>
    public static string Resolve(string configPath, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(configPath)!, path));
}

/// <summary>An input or output of the graph as it declares it (-1 for a dynamic dimension).</summary>
public sealed record TensorSpec(string Name, string ElementType, long[] Shape);

/// <summary>How an image becomes the input tensor: stretch-resized to Width×Height, value = (pixel − Mean) × Scale
/// per channel (RGB order; one channel means grey luminance).</summary>
public sealed class ImageConfig
{
    public required string Input { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public int Channels { get; set; } = 3;

    public float[] Mean { get; set; } = [0f];

    public float[] Scale { get; set; } = [1f];
}

public sealed class ClassificationConfig
{
    public required string Output { get; set; }

    public List<string> Labels { get; set; } = [];

    /// <summary>True when the output is logits (softmax is applied); false when it already holds probabilities.</summary>
    public bool Softmax { get; set; } = true;

    public int TopK { get; set; } = 5;
}

public sealed class DetectionConfig
{
    /// <summary>Output [1, N, classes] of class probabilities (class 1 is the object).</summary>
    public required string ScoresOutput { get; set; }

    /// <summary>Output [1, N, 4] of x1,y1,x2,y2 normalised to 0..1.</summary>
    public required string BoxesOutput { get; set; }

    public string Label { get; set; } = "face";

    public float ScoreThreshold { get; set; } = 0.7f;

    public float IouThreshold { get; set; } = 0.3f;

    public int MaxDetections { get; set; } = 200;
}

/// <summary>Silero-style streaming VAD: windows of 512 samples at 16 kHz (256 at 8 kHz) with the previous window's
/// last 64 (32) samples in front, a recurrent state carried between calls, and get_speech_timestamps' segmenting.</summary>
public sealed class VadConfig
{
    public required string Input { get; set; }

    public required string State { get; set; }

    public required string SampleRate { get; set; }

    public required string Output { get; set; }

    public required string StateOutput { get; set; }

    /// <summary>State shape with the batch dimension as 1.</summary>
    public long[] StateShape { get; set; } = [2, 1, 128];

    public int[] SampleRates { get; set; } = [16000, 8000];

    public float Threshold { get; set; } = 0.5f;

    /// <summary>Speech ends when the probability falls below this (default Threshold − 0.15).</summary>
    public float NegThreshold { get; set; } = 0.35f;

    public int MinSpeechMs { get; set; } = 250;

    public int MinSilenceMs { get; set; } = 100;

    public int SpeechPadMs { get; set; } = 30;
}

public sealed class EmbeddingConfig
{
    /// <summary>The WordPiece vocabulary, relative to the config's folder or absolute.</summary>
    public string Vocab { get; set; } = "vocab.txt";

    public bool LowerCase { get; set; } = true;

    /// <summary>Most tokens per input, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; set; } = 256;

    public required string InputIds { get; set; }

    public required string AttentionMask { get; set; }

    public string? TokenTypeIds { get; set; }

    /// <summary>Output [batch, sequence, hidden]: mean-pooled over the attention mask, then L2-normalised.</summary>
    public required string Output { get; set; }

    public int Dimensions { get; set; }
}

/// <summary>A BERT-family cross-encoder: the pair <c>[CLS] query [SEP] document [SEP]</c> in, one relevance logit per
/// pair out (shape [batch, 1] or [batch]), through a sigmoid unless <see cref="Sigmoid"/> is off.</summary>
public sealed class RankingConfig
{
    /// <summary>The WordPiece vocabulary, relative to the config's folder or absolute.</summary>
    public string Vocab { get; set; } = "vocab.txt";

    public bool LowerCase { get; set; } = true;

    /// <summary>Most tokens per pair, special tokens included.</summary>
    public int MaxTokens { get; set; } = 512;

    public required string InputIds { get; set; }

    public required string AttentionMask { get; set; }

    public string? TokenTypeIds { get; set; }

    /// <summary>Output [batch, 1] (or [batch]) of relevance logits.</summary>
    public required string Output { get; set; }

    /// <summary>True when the output is a logit (a sigmoid makes it 0..1); false when it already is a score.</summary>
    public bool Sigmoid { get; set; } = true;
}
