using System.Text;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Finds stop strings in streamed text. Text that could still be the start of a stop string is held back until
/// the next piece resolves it, so the output never contains (part of) a stop string.
/// </summary>
internal sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private readonly StringBuilder _held = new();

    public StopStringMatcher(IEnumerable<string> stops)
    {
        _stops = [.. stops.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    public bool IsEmpty => _stops.Length == 0;

    /// <summary>The stop string that was found; null while none was.</summary>
    public string? Matched { get; private set; }

    /// <summary>Adds a piece; returns the text that is safe to emit and whether a stop string was found (the text
    /// before it is returned; everything after it is dropped).</summary>
    public (string Emit, bool Stopped) Append(string piece)
    {
        _held.Append(piece);
        var text = _held.ToString();
        var first = -1;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
                Matched = stop;
            }
        }

        if (first >= 0)
        {
            _held.Clear();
            return (text[..first], true);
        }

        var hold = LongestPartialSuffix(text);
        _held.Clear().Append(text, text.Length - hold, hold);
        return (text[..^hold], false);
    }

    /// <summary>Releases the held-back text when generation ends for another reason.</summary>
    public string Flush()
    {
        var text = _held.ToString();
        _held.Clear();
        return text;
    }

    // Longest suffix of text that is a proper prefix of some stop string.
    private int LongestPartialSuffix(string text)
    {
        var best = 0;
        foreach (var stop in _stops)
        {
            for (var len = Math.Min(stop.Length - 1, text.Length); len > best; len--)
            {
                if (text.AsSpan(text.Length - len).SequenceEqual(stop.AsSpan(0, len)))
                {
                    best = len;
                    break;
                }
            }
        }

        return best;
    }
}
