using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Hosting;
using OpenMaas.Inference.Llama;
using OpenMaas.Inference.Onnx;
using OpenMaas.Inference.Onnx.Embeddings;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Onnx;

/// <summary>Real ONNX Runtime models (../shared and the MiniLM package) behind the real runtime.</summary>
internal static class OnnxTestHost
{
    public const string Food = "A man is eating food.";
    public const string Bread = "A man is eating a piece of bread.";
    public const string Baby = "The girl is carrying a baby.";

    private static readonly Lazy<string> MiniLmConfigPath = new(() =>
    {
        // Extracted once and shared by the test runs (the package's resources are fixed for a version).
        var folder = Path.Combine(Path.GetTempPath(), "openmaas-tests", "minilm-24.9.52193");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, OnnxTaskConfig.FileName);
        EmbeddedModelPackage.MiniLmConfig().Write(path);
        return path;
    });

    public static string Model(string file) => Path.Combine(TestAssets.SharedFolder, "models", file);

    public static string Data(string path) => Path.Combine(TestAssets.SharedFolder, "testdata", path);

    public static (ModelHost Host, OnnxModelRuntime Runtime) Create(Action<OnnxOptions>? configure = null, InferenceOptions? inference = null, TimeProvider? time = null)
    {
        var options = new OnnxOptions();
        configure?.Invoke(options);
        time ??= TimeProvider.System;
        var host = new ModelHost(Options.Create(inference ?? new InferenceOptions()), time, NullLogger<ModelHost>.Instance);
        return (host, new OnnxModelRuntime(host, Options.Create(options), time, NullLogger<OnnxModelRuntime>.Instance));
    }

    public static ModelDescriptor MiniLm() => new(EmbeddedModelPackage.MiniLmId, MiniLmConfigPath.Value, OnnxTasks.Format, DateTimeOffset.UnixEpoch) { Task = OnnxTasks.SentenceEmbedding };

    /// <summary>Writes the config <c>model add</c> would write for a shared model into a temp folder.</summary>
    public static ModelDescriptor TaskModel(string file, string task, string id)
    {
        var folder = Path.Combine(Path.GetTempPath(), "openmaas-tests", "onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, OnnxTaskConfig.FileName);
        OnnxModelInspector.CreateConfig(task, Model(file), Model(file), null).Write(path);
        return new ModelDescriptor(id, path, OnnxTasks.Format, DateTimeOffset.UnixEpoch) { Task = task };
    }

    public static ModelDescriptor Mnist() => TaskModel("mnist-8.onnx", OnnxTasks.ImageClassification, "onnx/mnist-8");

    public static ModelDescriptor UltraFace() => TaskModel("version-RFB-320.onnx", OnnxTasks.FaceDetection, "onnx/ultraface-rfb-320");

    public static ModelDescriptor Silero() => TaskModel("silero_vad.onnx", OnnxTasks.VoiceActivityDetection, "onnx/silero-vad");

    public static async Task<ITaskModel> LoadTaskAsync(this OnnxModelRuntime runtime, ModelDescriptor descriptor)
        => await ((IModelRuntime<ITaskModel>)runtime).GetAsync(descriptor, CancellationToken.None);

    public static async Task<IEmbeddingModel> LoadEmbeddingAsync(this OnnxModelRuntime runtime)
        => await ((IModelRuntime<IEmbeddingModel>)runtime).GetAsync(MiniLm(), CancellationToken.None);

    /// <summary>Prepares (decode, check) and runs, as the task API does.</summary>
    public static Task<TaskOutput> RunAsync(this ITaskModel model, byte[] data, IReadOnlyDictionary<string, double>? parameters = null)
    {
        try
        {
            return model.RunAsync(model.Prepare(new TaskInput(data, parameters ?? new Dictionary<string, double>())), CancellationToken.None);
        }
        catch (TaskInputException e)
        {
            return Task.FromException<TaskOutput>(e);
        }
    }

    public static async Task<float[]> EmbedOneAsync(this IEmbeddingModel model, string text)
        => (await model.EmbedAsync([model.Tokenize(text)], CancellationToken.None))[0].Vector;

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
