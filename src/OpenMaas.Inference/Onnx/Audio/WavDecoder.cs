using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx.Audio;

/// <summary>Reads WAV (PCM or IEEE float, any channel count) with NAudio, mixes to mono, and resamples to the first
/// supported rate when the file's rate is not one of the rates the model takes.</summary>
internal static class WavDecoder
{
    public static (float[] Samples, int SampleRate) Decode(ReadOnlyMemory<byte> bytes, IReadOnlyList<int> rates, int maxSeconds)
    {
        if (bytes.IsEmpty)
        {
            throw new TaskInputException("The audio is empty (0 bytes).", "input");
        }

        WaveFileReader reader;
        try
        {
            reader = new WaveFileReader(new MemoryStream(bytes.ToArray(), writable: false));
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or ArgumentException or IOException)
        {
            throw new TaskInputException($"The audio is not a readable WAV file: {e.Message}", "input");
        }

        using (reader)
        {
            var format = reader.WaveFormat;
            if (format.Encoding is not (WaveFormatEncoding.Pcm or WaveFormatEncoding.IeeeFloat or WaveFormatEncoding.Extensible) || format.SampleRate <= 0 || format.Channels <= 0)
            {
                throw new TaskInputException($"Unsupported audio format {format.Encoding} ({format.SampleRate} Hz, {format.Channels} channels): send PCM or float WAV.", "input");
            }

            if (reader.TotalTime.TotalSeconds > maxSeconds)
            {
                throw new TaskInputException($"The audio lasts {reader.TotalTime.TotalSeconds:F0} s, over the limit of {maxSeconds} s.", "input", 413);
            }

            ISampleProvider provider;
            try
            {
                provider = reader.ToSampleProvider();
            }
            catch (ArgumentException e)
            {
                throw new TaskInputException($"Unsupported audio format: {e.Message}", "input");
            }

            var expected = reader.SampleCount * format.Channels;
            var interleaved = ReadAll(provider, expected);
            if (interleaved.Length < expected)
            {
                throw new TaskInputException($"The audio is truncated: the header declares {expected:N0} samples, the file holds {interleaved.Length:N0}.", "input");
            }

            var mono = ToMono(interleaved, format.Channels);
            if (rates.Contains(format.SampleRate))
            {
                return (mono, format.SampleRate);
            }

            var target = rates[0];
            var resampler = new WdlResamplingSampleProvider(new MonoSamples(mono, format.SampleRate), target);
            return (ReadAll(resampler, (long)Math.Ceiling(mono.LongLength * (double)target / format.SampleRate) + 1024), target);
        }
    }

    private static float[] ReadAll(ISampleProvider provider, long capacity)
    {
        var samples = new List<float>((int)Math.Min(capacity, 1 << 26));
        var buffer = new float[8192];
        int read;
        try
        {
            while ((read = provider.Read(buffer, 0, buffer.Length)) > 0)
            {
                samples.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (EndOfStreamException)
        {
            // a truncated data chunk: what was read is all there is
        }

        return [.. samples];
    }

    private static float[] ToMono(float[] interleaved, int channels)
    {
        if (channels == 1)
        {
            return interleaved;
        }

        var mono = new float[interleaved.Length / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            float sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[(i * channels) + c];
            }

            mono[i] = sum / channels;
        }

        return mono;
    }

    private sealed class MonoSamples(float[] samples, int rate) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, 1);

        public int Read(float[] buffer, int offset, int count)
        {
            var n = Math.Min(count, samples.Length - _position);
            Array.Copy(samples, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }
}
