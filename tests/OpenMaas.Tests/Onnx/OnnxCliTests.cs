using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Onnx;

/// <summary><c>model add</c> of an ONNX file and <c>run</c>, as separate processes on a fresh data folder.</summary>
[Trait("Category", "Slow")]
public sealed class OnnxCliTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", "cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ModelAdd_WritesTheDeclaredConfig_AndRunClassifiesADigit()
    {
        var (rc, stdout, stderr) = await Cli.RunAsync(_data, null, "model", "add", OnnxTestHost.Model("mnist-8.onnx"), "--id", "onnx/mnist-8", "--task", "image-classification");
        Assert.True(rc == 0, stderr);
        Assert.Contains("Input3 float[1,1,28,28]", stdout);
        Assert.True(File.Exists(Path.Combine(_data, "models", "onnx", "mnist-8", "onnx-task.json")));

        (rc, stdout, stderr) = await Cli.RunAsync(_data, null, "run", "onnx/mnist-8", "--input", OnnxTestHost.Data("mnist/digit_3.png"), "--param", "top_k=2");
        Assert.True(rc == 0, stderr);
        var data = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("3", data.GetProperty("labels")[0].GetString());
        Assert.Equal(2, data.GetProperty("labels").GetArrayLength());

        (rc, stdout, _) = await Cli.RunAsync(_data, null, "model", "list");
        Assert.Contains("image-classification", stdout);
        Assert.Contains("sentence-transformers/all-MiniLM-L6-v2", stdout);

        (rc, _, stderr) = await Cli.RunAsync(_data, null, "run", "onnx/mnist-8", "--input", OnnxTestHost.Data("mnist/digit_3.png"), "--param", "temperature=1");
        Assert.Equal(2, rc);
        Assert.Contains("Unknown parameter 'temperature'", stderr);
    }

    [Fact]
    public async Task ModelAdd_AGraphThatDoesNotFitTheTask_IsRefused()
    {
        var (rc, _, stderr) = await Cli.RunAsync(_data, null, "model", "add", OnnxTestHost.Model("silero_vad.onnx"), "--id", "onnx/wrong", "--task", "face-detection");

        Assert.Equal(2, rc);
        Assert.Contains("image input", stderr);
        Assert.False(Directory.Exists(Path.Combine(_data, "models", "onnx", "wrong")));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
