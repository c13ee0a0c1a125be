using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Onnx.Vision;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

[Trait("Category", "Slow")]
public sealed class OnnxVisionTests
{
    public static TheoryData<string, string> Digits() => new()
    {
        { "mnist/digit_0.png", "0" }, { "mnist/digit_1.png", "1" }, { "mnist/digit_2.png", "2" }, { "mnist/digit_3.png", "3" },
        { "mnist/digit_4.png", "4" }, { "mnist/digit_5.png", "5" }, { "mnist/digit_6.png", "6" }, { "mnist/digit_7.png", "7" },
        { "mnist/digit_8.png", "8" }, { "mnist/digit_9.png", "9" }, { "mnist/mnist4.png", "4" }, { "mnist/mnist5.png", "5" },
    };

    [Theory]
    [MemberData(nameof(Digits))]
    public async Task Mnist_ClassifiesEveryDigitAsLabelled(string file, string label)
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Mnist());

        var output = Assert.IsType<TaskOutput.Classification>(await model.RunAsync(await File.ReadAllBytesAsync(Data(file))));

        Assert.Equal(label, output.Labels[0]);
        Assert.True(output.Scores[0] > 0.99f, $"score {output.Scores[0]}");
        Assert.Equal(5, output.Labels.Count);
    }

    [Fact]
    public async Task Mnist_TopKParameter()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Mnist());

        var output = Assert.IsType<TaskOutput.Classification>(await model.RunAsync(await File.ReadAllBytesAsync(Data("mnist/digit_7.png")), new Dictionary<string, double> { ["top_k"] = 10 }));

        Assert.Equal(10, output.Labels.Count);
        Assert.Equal(1.0, output.Scores.Sum(), 3);
    }

    [Theory]
    [InlineData("faces/two_people.jpg", 2)]
    [InlineData("faces/obama.jpg", 1)]
    [InlineData("faces/rocket.jpg", 0)]
    public async Task UltraFace_CountsFaces(string file, int faces)
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(UltraFace());

        var output = Assert.IsType<TaskOutput.Detection>(await model.RunAsync(await File.ReadAllBytesAsync(Data(file))));

        Assert.Equal(faces, output.Boxes.Count);
        Assert.All(output.Scores, s => Assert.True(s > 0.7f));
    }

    [Fact]
    public async Task UltraFace_BoxesAreInInputPixels()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(UltraFace());

        var two = Assert.IsType<TaskOutput.Detection>(await model.RunAsync(await File.ReadAllBytesAsync(Data("faces/two_people.jpg"))));
        var one = Assert.IsType<TaskOutput.Detection>(await model.RunAsync(await File.ReadAllBytesAsync(Data("faces/obama.jpg"))));

        // MODELS.md: boxes may move by some pixels between resamplers; IoU ≥ 0.8 with the reference.
        var left = two.Boxes.MinBy(b => b[0])!;
        var right = two.Boxes.MaxBy(b => b[0])!;
        Assert.True(NonMaximumSuppression.IoU(left, [242, 26, 384, 222]) >= 0.8f, string.Join(",", left));
        Assert.True(NonMaximumSuppression.IoU(right, [794, 45, 932, 259]) >= 0.8f, string.Join(",", right));
        Assert.True(NonMaximumSuppression.IoU(one.Boxes[0], [382, 82, 603, 400]) >= 0.8f, string.Join(",", one.Boxes[0]));
        Assert.Equal("face", one.Labels[0]);
    }
}
