using NAudio.Utils;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using OpenMaas.Inference.Abstractions;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

[Trait("Category", "Slow")]
public sealed class OnnxAudioTests
{
    [Fact]
    public async Task Silero_FindsTheSpeechSegmentsOfJfk()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Silero());

        var output = Assert.IsType<TaskOutput.Segments>(await model.RunAsync(await File.ReadAllBytesAsync(Data("audio/jfk.wav"))));

        // MODELS.md, Silero v6.2 with the defaults: [0.322–2.270] [3.266–4.446] [5.378–7.678] [8.162–10.622].
        (double Start, double End)[] expected = [(0.322, 2.270), (3.266, 4.446), (5.378, 7.678), (8.162, 10.622)];
        Assert.Equal(expected.Length, output.Items.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Start, output.Items[i].Start, 2);
            Assert.Equal(expected[i].End, output.Items[i].End, 2);
        }

        Assert.Equal(11.0, output.DurationSeconds, 3);
    }

    [Fact]
    public async Task Silero_At8kHz_FindsSpeechAtTheSameTimes()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Silero());

        var output = Assert.IsType<TaskOutput.Segments>(await model.RunAsync(Resampled(Data("audio/jfk.wav"), 8000)));

        Assert.InRange(output.Items.Count, 3, 6);
        Assert.InRange(output.Items[0].Start, 0.22, 0.45);
        Assert.DoesNotContain(output.Items, s => s.Start < 3.0 && s.End > 2.6); // the pause at 2.4–3.2 s
    }

    [Fact]
    public async Task Silero_OtherRates_AreResampled()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Silero());

        var output = Assert.IsType<TaskOutput.Segments>(await model.RunAsync(Resampled(Data("audio/jfk.wav"), 44100)));

        Assert.InRange(output.Items.Count, 3, 6);
        Assert.InRange(output.Items[0].Start, 0.22, 0.45);
    }

    [Fact]
    public async Task Silero_Silence_HasNoSegments()
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Silero());

        var output = Assert.IsType<TaskOutput.Segments>(await model.RunAsync(Wav(new float[32000], 16000)));

        Assert.Empty(output.Items);
        Assert.Equal(2.0, output.DurationSeconds, 3);
    }

    /// <summary>A WAV of the samples (PCM 16-bit mono) at the rate.</summary>
    internal static byte[] Wav(float[] samples, int rate)
    {
        using var stream = new MemoryStream();
        using (var writer = new WaveFileWriter(new IgnoreDisposeStream(stream), new WaveFormat(rate, 16, 1)))
        {
            writer.WriteSamples(samples, 0, samples.Length);
        }

        return stream.ToArray();
    }

    internal static byte[] Resampled(string path, int rate)
    {
        using var reader = new WaveFileReader(path);
        var resampler = new WdlResamplingSampleProvider(reader.ToSampleProvider(), rate);
        var samples = new List<float>();
        var buffer = new float[4096];
        int n;
        while ((n = resampler.Read(buffer, 0, buffer.Length)) > 0)
        {
            samples.AddRange(buffer.AsSpan(0, n));
        }

        return Wav([.. samples], rate);
    }
}
