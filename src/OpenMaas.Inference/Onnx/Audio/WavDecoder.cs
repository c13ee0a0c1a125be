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
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or ArgumentException or IOException
            or DivideByZeroException or OverflowException) // NAudio divides by a block size the header may give as 0
        {
            throw new TaskInputException($"The audio is not a readable WAV file: {e.Message}", "input");
        }

        using (reader)
        {
            var format = reader.WaveFormat;
            if (format.Encoding is not (WaveFormatEncoding.Pcm or WaveFormatEncoding.IeeeFloat or WaveFormatEncoding.Extensible) || format.SampleRate is < 1000 or > 384_000 || format.Channels is <= 0 or > 64
                || format.BlockAlign <= 0 || format.BitsPerSample is not (8 or 16 or 24 or 32 or 64))
            {
                throw new TaskInputException($"Unsupported audio format {format.Encoding} ({format.SampleRate} Hz, {format.Channels} channels): send PCM or float WAV.", "input");
            }

            // The length in samples, not the header's bytes per second (a header may claim any rate of bytes and so pass
            // a tiny file off as seconds of audio that resampling then multiplies).
            var seconds = Math.Max(reader.TotalTime.TotalSeconds, (double)reader.SampleCount / format.SampleRate);
            if (seconds > maxSeconds)
            {
                throw new TaskInputException($"The audio lasts {seconds:F0} s, over the limit of {maxSeconds} s.", "input", 413);
            }

            ISampleProvider provider;
            try
            {
                provider = reader.ToSampleProvider();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // NAudio refuses a bit depth it has no converter for (e.g. 12-bit PCM) with InvalidOperationException.
                throw new TaskInputException($"Unsupported audio format: {e.Message}", "input");
            }

            var expected = reader.SampleCount * format.Channels;
            // The header's count only sizes the buffer up to what the bytes can hold (a tiny file may claim hours).
            float[] interleaved;
            try
            {
                interleaved = ReadAll(provider, Math.Min(expected, bytes.Length));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // NAudio refuses a header whose block size does not fit its reads ("Must read complete blocks").
                throw new TaskInputException($"Unsupported audio format: {e.Message}", "input");
            }

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
        var samples = new List<float>((int)Math.Clamp(capacity, 0, 1 << 26)); // a header may declare a negative count
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
