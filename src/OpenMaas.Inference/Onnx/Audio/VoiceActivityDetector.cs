using Microsoft.ML.OnnxRuntime;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx.Audio;

/// <summary>voice-activity-detection with a Silero-style streaming model: windows of 512 samples at 16 kHz (256 at
/// 8 kHz), each with the previous window's last 64 (32) samples in front, the recurrent state carried over.</summary>
internal sealed class VoiceActivityDetector(OnnxTaskConfig config, OnnxOptions options) : ITaskProcessor
{
    private readonly VadConfig _vad = config.Vad ?? throw new InvalidDataException("the config has no 'vad' section.");

    public IReadOnlyCollection<string> Parameters { get; } = ["threshold", "neg_threshold", "min_speech_duration_ms", "min_silence_duration_ms", "speech_pad_ms"];

    public object Prepare(TaskInput input) => WavDecoder.Decode(input.Data, _vad.SampleRates, options.MaxAudioSeconds);

    public TaskOutput Run(InferenceSession session, object prepared, IReadOnlyDictionary<string, double> parameters)
    {
        var (samples, rate) = ((float[], int))prepared;
        var settings = Settings(parameters);
        var probabilities = Probabilities(session, samples, rate, out var window);
        return new TaskOutput.Segments(SpeechSegmenter.Segment(probabilities, window, rate, samples.Length, settings), Math.Round((double)samples.Length / rate, 3));
    }

    public void CheckParameters(IReadOnlyDictionary<string, double> parameters) => Settings(parameters);

    private SpeechSegmenter.Settings Settings(IReadOnlyDictionary<string, double> parameters)
    {
        var threshold = (float)TaskParameters.Get(parameters, "threshold", _vad.Threshold, 0, 1);
        return new SpeechSegmenter.Settings(
            threshold,
            (float)TaskParameters.Get(parameters, "neg_threshold", Math.Min(_vad.NegThreshold, threshold), 0, threshold),
            (int)TaskParameters.Get(parameters, "min_speech_duration_ms", _vad.MinSpeechMs, 0, 60_000),
            (int)TaskParameters.Get(parameters, "min_silence_duration_ms", _vad.MinSilenceMs, 0, 60_000),
            (int)TaskParameters.Get(parameters, "speech_pad_ms", _vad.SpeechPadMs, 0, 10_000));
    }

    private List<float> Probabilities(InferenceSession session, float[] samples, int rate, out int window)
    {
        window = rate >= 16000 ? 512 : 256;
        var context = rate >= 16000 ? 64 : 32;
        var input = new float[context + window];
        var state = new float[_vad.StateShape.Aggregate(1L, (a, b) => a * b)];
        using var rateValue = OrtValue.CreateTensorValueFromMemory(new long[] { rate }, []);
        using var runOptions = new RunOptions();
        var probabilities = new List<float>((samples.Length / window) + 1);
        for (var start = 0; start < samples.Length; start += window)
        {
            Array.Copy(input, window, input, 0, context); // the last samples of the previous window
            var n = Math.Min(window, samples.Length - start);
            Array.Copy(samples, start, input, context, n);
            Array.Clear(input, context + n, window - n);
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, input.Length]);
            using var stateValue = OrtValue.CreateTensorValueFromMemory(state, _vad.StateShape);
            using var outputs = session.Run(runOptions,
                new Dictionary<string, OrtValue> { [_vad.Input] = inputValue, [_vad.State] = stateValue, [_vad.SampleRate] = rateValue },
                [_vad.Output, _vad.StateOutput]);
            probabilities.Add(outputs[0].GetTensorDataAsSpan<float>()[0]);
            outputs[1].GetTensorDataAsSpan<float>().CopyTo(state);
        }

        return probabilities;
    }
}
