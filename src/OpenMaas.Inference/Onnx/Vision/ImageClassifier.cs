using Microsoft.ML.OnnxRuntime;
using OpenMaas.Inference.Abstractions;
using SkiaSharp;

namespace OpenMaas.Inference.Onnx.Vision;

/// <summary>image-classification: softmax (unless the config says the output is already probabilities), top k.</summary>
internal sealed class ImageClassifier(OnnxTaskConfig config, OnnxOptions options) : ITaskProcessor
{
    private readonly ImageConfig _image = config.Image ?? throw new InvalidDataException("the config has no 'image' section.");
    private readonly ClassificationConfig _classes = config.Classification ?? throw new InvalidDataException("the config has no 'classification' section.");

    public IReadOnlyCollection<string> Parameters { get; } = ["top_k"];

    public object Prepare(TaskInput input)
    {
        using var bitmap = ImageDecoder.Decode(input.Data, options.MaxImagePixels);
        return ImageDecoder.ToTensor(bitmap, _image);
    }

    public TaskOutput Run(InferenceSession session, object prepared, IReadOnlyDictionary<string, double> parameters)
    {
        var topK = TopK(parameters);
        using var input = OrtValue.CreateTensorValueFromMemory((float[])prepared, [1, _image.Channels, _image.Height, _image.Width]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [_image.Input] = input }, [_classes.Output]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        if (_classes.Softmax)
        {
            Softmax(scores);
        }

        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(topK).ToList();
        return new TaskOutput.Classification(
            [.. order.Select(i => i < _classes.Labels.Count ? _classes.Labels[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            [.. order.Select(i => scores[i])]);
    }

    public void CheckParameters(IReadOnlyDictionary<string, double> parameters) => TopK(parameters);

    private int TopK(IReadOnlyDictionary<string, double> parameters) => (int)TaskParameters.Get(parameters, "top_k", _classes.TopK, 1, 1000);

    private static void Softmax(float[] values)
    {
        var max = values.Max();
        double sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(values[i] / sum);
        }
    }
}
