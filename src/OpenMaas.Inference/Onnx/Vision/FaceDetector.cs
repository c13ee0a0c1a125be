using Microsoft.ML.OnnxRuntime;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx.Vision;

/// <summary>face-detection (UltraFace-style outputs: class probabilities and normalised corner boxes): score
/// threshold, greedy non-maximum suppression, boxes scaled to the input image's pixels.</summary>
internal sealed class FaceDetector(OnnxTaskConfig config, OnnxOptions options) : ITaskProcessor
{
    private readonly ImageConfig _image = config.Image ?? throw new InvalidDataException("the config has no 'image' section.");
    private readonly DetectionConfig _detection = config.Detection ?? throw new InvalidDataException("the config has no 'detection' section.");

    public IReadOnlyCollection<string> Parameters { get; } = ["score_threshold", "iou_threshold"];

    public object Prepare(TaskInput input)
    {
        using var bitmap = ImageDecoder.Decode(input.Data, options.MaxImagePixels);
        return new Prepared(ImageDecoder.ToTensor(bitmap, _image), bitmap.Width, bitmap.Height);
    }

    public TaskOutput Run(InferenceSession session, object prepared, IReadOnlyDictionary<string, double> parameters)
    {
        var image = (Prepared)prepared;
        var (threshold, iou) = Thresholds(parameters);
        using var input = OrtValue.CreateTensorValueFromMemory(image.Tensor, [1, _image.Channels, _image.Height, _image.Width]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [_image.Input] = input }, [_detection.ScoresOutput, _detection.BoxesOutput]);
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        var boxes = outputs[1].GetTensorDataAsSpan<float>();
        var classes = scores.Length / (boxes.Length / 4);
        var candidates = new List<(float Score, float[] Box)>();
        for (var i = 0; i < boxes.Length / 4; i++)
        {
            var score = scores[(i * classes) + 1];
            if (score > threshold)
            {
                candidates.Add((score, [boxes[i * 4], boxes[(i * 4) + 1], boxes[(i * 4) + 2], boxes[(i * 4) + 3]]));
            }
        }

        var kept = NonMaximumSuppression.Apply(candidates, iou, _detection.MaxDetections);
        return new TaskOutput.Detection(
            [.. kept.Select(k => Scale(k.Box, image.Width, image.Height))],
            [.. kept.Select(k => k.Score)],
            [.. kept.Select(_ => _detection.Label)]);
    }

    public void CheckParameters(IReadOnlyDictionary<string, double> parameters) => Thresholds(parameters);

    private (float Score, float Iou) Thresholds(IReadOnlyDictionary<string, double> parameters) =>
        ((float)TaskParameters.Get(parameters, "score_threshold", _detection.ScoreThreshold, 0, 1),
         (float)TaskParameters.Get(parameters, "iou_threshold", _detection.IouThreshold, 0, 1));

    private static float[] Scale(float[] box, int width, int height) =>
    [
        MathF.Round(Math.Clamp(box[0], 0, 1) * width, 1),
        MathF.Round(Math.Clamp(box[1], 0, 1) * height, 1),
        MathF.Round(Math.Clamp(box[2], 0, 1) * width, 1),
        MathF.Round(Math.Clamp(box[3], 0, 1) * height, 1),
    ];

    private sealed record Prepared(float[] Tensor, int Width, int Height);
}
