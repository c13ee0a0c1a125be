using Microsoft.ML.OnnxRuntime;

namespace OpenMaas.Inference.Onnx;

/// <summary>Writes a model's declared config: the task's defaults filled in from what the ONNX graph declares
/// (input and output names and shapes). Throws <see cref="InvalidDataException"/> when the graph does not fit the task.</summary>
public static class OnnxModelInspector
{
    public static OnnxTaskConfig CreateConfig(string task, string modelPath, string modelReference, string? vocabReference)
    {
        if (!OnnxTasks.IsSupported(task))
        {
            throw new InvalidDataException($"task '{task}' is not served by the ONNX runtime (supported: {string.Join(", ", OnnxTasks.All)}).");
        }

        List<TensorSpec> inputs, outputs;
        try
        {
            using var options = OnnxSessions.QuietOptions(1);
            using var session = new InferenceSession(modelPath, options);
            inputs = [.. session.InputMetadata.Select(kv => Spec(kv.Key, kv.Value))];
            outputs = [.. session.OutputMetadata.Select(kv => Spec(kv.Key, kv.Value))];
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load {modelPath}: {e.Message}", e);
        }

        var config = new OnnxTaskConfig { Task = task, Model = modelReference, Inputs = inputs, Outputs = outputs };
        switch (task)
        {
            case OnnxTasks.SentenceEmbedding:
                config.Embedding = EmbeddingDefaults(inputs, outputs, vocabReference ?? throw new InvalidDataException("a sentence-embedding model needs a vocab.txt beside it."));
                break;
            case OnnxTasks.TextRanking:
                config.Ranking = RankingDefaults(inputs, outputs, vocabReference ?? throw new InvalidDataException("a text-ranking model needs a vocab.txt beside it."));
                break;
            case OnnxTasks.ImageClassification:
                (config.Image, config.Classification) = ClassificationDefaults(inputs, outputs);
                break;
            case OnnxTasks.FaceDetection:
                (config.Image, config.Detection) = DetectionDefaults(inputs, outputs);
                break;
            case OnnxTasks.VoiceActivityDetection:
                config.Vad = VadDefaults(inputs, outputs);
                break;
        }

        return config;
    }

    private static TensorSpec Spec(string name, NodeMetadata meta) =>
        new(name, meta.IsTensor ? meta.ElementDataType.ToString().ToLowerInvariant() : meta.OnnxValueType.ToString(), [.. meta.Dimensions.Select(d => (long)d)]);

    private static EmbeddingConfig EmbeddingDefaults(List<TensorSpec> inputs, List<TensorSpec> outputs, string vocab)
    {
        var ids = Find(inputs, "input_ids", s => s.Shape.Length == 2, "an int64 [batch, sequence] input 'input_ids'");
        var mask = Find(inputs, "attention_mask", s => s.Shape.Length == 2, "an input 'attention_mask'");
        var types = inputs.FirstOrDefault(s => s.Name == "token_type_ids");
        var hidden = outputs.FirstOrDefault(s => s.Shape.Length == 3) ?? throw new InvalidDataException("the graph has no [batch, sequence, hidden] output to pool.");
        return new EmbeddingConfig
        {
            Vocab = vocab,
            InputIds = ids.Name,
            AttentionMask = mask.Name,
            TokenTypeIds = types?.Name,
            Output = hidden.Name,
            Dimensions = (int)hidden.Shape[2],
        };
    }

    private static RankingConfig RankingDefaults(List<TensorSpec> inputs, List<TensorSpec> outputs, string vocab)
    {
        var ids = Find(inputs, "input_ids", s => s.Shape.Length == 2, "an int64 [batch, sequence] input 'input_ids'");
        var mask = Find(inputs, "attention_mask", s => s.Shape.Length == 2, "an input 'attention_mask'");
        var types = inputs.FirstOrDefault(s => s.Name == "token_type_ids");
        var logits = Find(outputs, "logits", s => s.Shape.Length == 1 || (s.Shape.Length == 2 && s.Shape[1] == 1), "a [batch, 1] logits output (one relevance logit per pair)");
        return new RankingConfig { Vocab = vocab, InputIds = ids.Name, AttentionMask = mask.Name, TokenTypeIds = types?.Name, Output = logits.Name };
    }

    private static (ImageConfig, ClassificationConfig) ClassificationDefaults(List<TensorSpec> inputs, List<TensorSpec> outputs)
    {
        var image = ImageInput(inputs);
        var output = outputs.FirstOrDefault(s => s.Shape.Length == 2 && s.Shape[1] > 0) ?? throw new InvalidDataException("the graph has no [batch, classes] output.");
        var classes = (int)output.Shape[1];

        // Grey single-channel models (MNIST-like) take raw 0..255 pixels; colour models the usual ImageNet normalisation.
        if (image.Channels == 3)
        {
            image.Mean = [123.675f, 116.28f, 103.53f];
            image.Scale = [1 / 58.395f, 1 / 57.12f, 1 / 57.375f];
        }

        return (image, new ClassificationConfig { Output = output.Name, Labels = [.. Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))] });
    }

    private static (ImageConfig, DetectionConfig) DetectionDefaults(List<TensorSpec> inputs, List<TensorSpec> outputs)
    {
        var image = ImageInput(inputs);
        image.Mean = [127f];
        image.Scale = [1 / 128f];
        var scores = outputs.FirstOrDefault(s => s.Shape.Length == 3 && s.Shape[2] == 2) ?? throw new InvalidDataException("the graph has no [1, N, 2] scores output.");
        var boxes = outputs.FirstOrDefault(s => s.Shape.Length == 3 && s.Shape[2] == 4) ?? throw new InvalidDataException("the graph has no [1, N, 4] boxes output.");
        return (image, new DetectionConfig { ScoresOutput = scores.Name, BoxesOutput = boxes.Name });
    }

    private static VadConfig VadDefaults(List<TensorSpec> inputs, List<TensorSpec> outputs)
    {
        var input = Find(inputs, "input", s => s.Shape.Length == 2 && s.ElementType == "float", "a float [batch, samples] input");
        var state = Find(inputs, "state", s => s.Shape.Length == 3, "a float [2, batch, hidden] state input");
        var rate = Find(inputs, "sr", s => s.ElementType == "int64", "an int64 sample-rate input");
        var output = Find(outputs, "output", s => s.Shape.Length == 2, "a [batch, 1] probability output");
        var stateOut = outputs.FirstOrDefault(s => s.Name != output.Name && s.Shape.Length == 3) ?? throw new InvalidDataException("the graph has no state output.");
        return new VadConfig
        {
            Input = input.Name,
            State = state.Name,
            SampleRate = rate.Name,
            Output = output.Name,
            StateOutput = stateOut.Name,
            StateShape = [.. state.Shape.Select(d => d < 0 ? 1 : d)],
        };
    }

    private static ImageConfig ImageInput(List<TensorSpec> inputs)
    {
        var input = inputs.FirstOrDefault(s => s.Shape.Length == 4 && s.Shape[1] is 1 or 3 && s.Shape[2] > 0 && s.Shape[3] > 0)
            ?? throw new InvalidDataException("the graph has no [1, channels, height, width] image input with fixed height and width.");
        return new ImageConfig { Input = input.Name, Channels = (int)input.Shape[1], Height = (int)input.Shape[2], Width = (int)input.Shape[3] };
    }

    // The usual name first; else the only tensor of that shape.
    private static TensorSpec Find(List<TensorSpec> specs, string name, Func<TensorSpec, bool> fits, string what) =>
        specs.FirstOrDefault(s => s.Name == name && fits(s))
        ?? (specs.Where(fits).ToList() is [var only] ? only : throw new InvalidDataException($"the graph has no {what}."));
}
