using System.Text;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// Reads llama.cpp's generic tool-call format as the model writes it, piece by piece: the content of
/// <c>{"response": "…"}</c> comes out as text (the JSON string unescaped as it arrives; a response that is not a string
/// — a response format's JSON — as its JSON text), each call of <c>{"tool_call": {…}}</c> / <c>{"tool_calls": [{…}]}</c>
/// as a tool-call fragment naming it once its <c>name</c> is complete, then fragments of its <c>arguments</c>' JSON
/// text. A small incremental JSON scanner tracks where it is; the grammar makes the text well-formed, and a text cut
/// short simply ends what was read so far.
/// </summary>
internal sealed class GenericToolOutputReader(Func<string> newId)
{
    private readonly List<Frame> _frames = [];
    private readonly StringBuilder _string = new();
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _arguments = new();
    private readonly List<GenerationChunk> _out = [];
    private Mode _mode;
    private Role _role;
    private bool _stringIsKey;
    private int _escape; // 0 none, 1 after '\', 2–5 reading the hex digits of \uXXXX
    private int _hex;
    private char? _highSurrogate;
    private int _captureDepth = -1;
    private int _call = -1;

    private enum Mode
    {
        Structure,
        String,
        Scalar,
    }

    /// <summary>What the value being read is to the format.</summary>
    private enum Role
    {
        None,
        ResponseString,
        ResponseJson,
        Name,
        Arguments,
    }

    /// <summary>How many calls were named so far.</summary>
    public int Calls { get; private set; }

    /// <summary>Reads the next piece of the model's text; returns the text and tool-call fragments it completes (with no
    /// finish and no token counts).</summary>
    public IReadOnlyList<GenerationChunk> Read(string piece)
    {
        _out.Clear();
        foreach (var c in piece)
        {
            Step(c);
        }

        Flush();
        return _out;
    }

    private void Step(char c)
    {
        switch (_mode)
        {
            case Mode.String:
                Capture(c);
                StringChar(c);
                return;
            case Mode.Scalar when !(char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '.'):
                _mode = Mode.Structure;
                ValueEnded();
                break;
            case Mode.Scalar:
                Capture(c);
                return;
        }

        if (char.IsWhiteSpace(c))
        {
            Capture(c);
            return;
        }

        switch (c)
        {
            case '{' or '[':
                ValueStarts(c);
                Capture(c);
                _frames.Add(new Frame(c == '{'));
                break;
            case '}' or ']':
                Capture(c);
                if (_frames.Count > 0)
                {
                    _frames.RemoveAt(_frames.Count - 1);
                    ValueEnded();
                }

                break;
            case ':':
                Capture(c);
                break;
            case ',':
                Capture(c);
                if (_frames.Count > 0)
                {
                    _frames[^1].Next();
                }

                break;
            case '"':
                _stringIsKey = _frames.Count > 0 && _frames[^1].ExpectsKey;
                if (!_stringIsKey)
                {
                    ValueStarts(c);
                }

                Capture(c);
                _string.Clear();
                _mode = Mode.String;
                break;
            default:
                ValueStarts(c);
                Capture(c);
                _mode = Mode.Scalar;
                break;
        }
    }

    private void StringChar(char c)
    {
        if (_escape == 1)
        {
            _escape = 0;
            switch (c)
            {
                case 'u':
                    _escape = 2;
                    _hex = 0;
                    return;
                default:
                    Decoded(c switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f', _ => c });
                    return;
            }
        }

        if (_escape >= 2)
        {
            _hex = (_hex * 16) + (char.IsAsciiHexDigit(c) ? Convert.ToInt32(c.ToString(), 16) : 0);
            if (++_escape == 6)
            {
                _escape = 0;
                Decoded((char)_hex);
            }

            return;
        }

        switch (c)
        {
            case '\\':
                _escape = 1;
                return;
            case '"':
                _mode = Mode.Structure;
                if (_stringIsKey)
                {
                    _frames[^1].KeyRead(_string.ToString());
                }
                else
                {
                    if (_role == Role.Name)
                    {
                        StartCall(_string.ToString());
                    }

                    ValueEnded();
                }

                return;
            default:
                Decoded(c);
                return;
        }
    }

    /// <summary>One character of a string's value (escapes undone); a surrogate pair is handed on whole.</summary>
    private void Decoded(char c)
    {
        if (_role != Role.ResponseString || _stringIsKey)
        {
            _string.Append(c);
            return;
        }

        if (char.IsHighSurrogate(c))
        {
            _highSurrogate = c;
            return;
        }

        if (_highSurrogate is { } high)
        {
            _text.Append(high);
            _highSurrogate = null;
        }

        _text.Append(c);
    }

    /// <summary>A value begins (<paramref name="first"/> is its first character) where the frames say: decides its role
    /// and, for JSON handed on as is, starts capturing it.</summary>
    private void ValueStarts(char first)
    {
        if (Capturing)
        {
            return; // a value inside captured JSON
        }

        var key = _frames.Count > 0 ? _frames[^1].Key : null;
        _role = _frames.Count switch
        {
            1 when key == "response" => first == '"' ? Role.ResponseString : Role.ResponseJson,
            2 when _frames[0].Key == "tool_call" => CallRole(key),
            3 when _frames[0].Key == "tool_calls" && !_frames[1].IsObject => CallRole(key),
            _ => Role.None,
        };
        if (_role is Role.Arguments or Role.ResponseJson)
        {
            _captureDepth = _frames.Count;
        }
    }

    private bool Capturing => _captureDepth >= 0;

    private void ValueEnded()
    {
        if (_captureDepth == _frames.Count)
        {
            _captureDepth = -1;
            Flush();
        }

        if (!Capturing)
        {
            _role = Role.None;
        }
    }

    private static Role CallRole(string? key) => key switch
    {
        "name" => Role.Name,
        "arguments" => Role.Arguments,
        _ => Role.None,
    };

    private void Capture(char c)
    {
        if (!Capturing)
        {
            return;
        }

        (_role == Role.Arguments ? _arguments : _text).Append(c);
    }

    private void StartCall(string name)
    {
        Flush();
        _call = Calls++;
        _out.Add(new GenerationChunk(string.Empty, null, 0, 0) { ToolCall = new ToolCallDelta(_call, newId(), name, string.Empty) });
    }

    private void Flush()
    {
        if (_text.Length > 0)
        {
            _out.Add(new GenerationChunk(_text.ToString(), null, 0, 0));
            _text.Clear();
        }

        if (_arguments.Length > 0 && _call >= 0)
        {
            _out.Add(new GenerationChunk(string.Empty, null, 0, 0) { ToolCall = new ToolCallDelta(_call, null, null, _arguments.ToString()) });
            _arguments.Clear();
        }
    }

    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;

        public string? Key { get; private set; }

        /// <summary>An object waits for a key (at its start and after each comma).</summary>
        public bool ExpectsKey { get; private set; } = isObject;

        public void KeyRead(string key)
        {
            Key = key;
            ExpectsKey = false;
        }

        public void Next()
        {
            ExpectsKey = IsObject;
            Key = null;
        }
    }
}
