using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx.Audio;

/// <summary>Silero VAD's <c>get_speech_timestamps</c> (no maximum speech length): per-window probabilities → speech
/// segments with hysteresis, minimum speech and silence durations, and padding.</summary>
internal static class SpeechSegmenter
{
    public sealed record Settings(float Threshold, float NegThreshold, int MinSpeechMs, int MinSilenceMs, int SpeechPadMs);

    public static List<SpeechSegment> Segment(IReadOnlyList<float> probabilities, int window, int sampleRate, long totalSamples, Settings s)
    {
        var minSpeech = sampleRate * s.MinSpeechMs / 1000L;
        var minSilence = sampleRate * s.MinSilenceMs / 1000L;
        var pad = sampleRate * s.SpeechPadMs / 1000L;
        var speeches = new List<(long Start, long End)>();
        var triggered = false;
        long start = 0, tempEnd = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var p = probabilities[i];
            var at = (long)window * i;
            if (p >= s.Threshold && tempEnd != 0)
            {
                tempEnd = 0;
            }

            if (p >= s.Threshold && !triggered)
            {
                triggered = true;
                start = at;
                continue;
            }

            if (p < s.NegThreshold && triggered)
            {
                if (tempEnd == 0)
                {
                    tempEnd = at;
                }

                if (at - tempEnd < minSilence)
                {
                    continue;
                }

                if (tempEnd - start > minSpeech)
                {
                    speeches.Add((start, tempEnd));
                }

                triggered = false;
                tempEnd = 0;
            }
        }

        if (triggered && totalSamples - start > minSpeech)
        {
            speeches.Add((start, totalSamples));
        }

        for (var i = 0; i < speeches.Count; i++)
        {
            var (segmentStart, segmentEnd) = speeches[i];
            if (i == 0)
            {
                segmentStart = Math.Max(0, segmentStart - pad);
            }

            if (i < speeches.Count - 1)
            {
                var next = speeches[i + 1];
                var silence = next.Start - segmentEnd;
                if (silence < 2 * pad)
                {
                    segmentEnd += silence / 2;
                    speeches[i + 1] = (Math.Max(0, next.Start - (silence / 2)), next.End);
                }
                else
                {
                    segmentEnd = Math.Min(totalSamples, segmentEnd + pad);
                    speeches[i + 1] = (Math.Max(0, next.Start - pad), next.End);
                }
            }
            else
            {
                segmentEnd = Math.Min(totalSamples, segmentEnd + pad);
            }

            speeches[i] = (segmentStart, segmentEnd);
        }

        return [.. speeches.Select(x => new SpeechSegment(Math.Round((double)x.Start / sampleRate, 3), Math.Round((double)x.End / sampleRate, 3)))];
    }
}
