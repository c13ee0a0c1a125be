using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/audio/speech</c> body: <c>model</c>, <c>input</c>, <c>voice</c>, <c>response_format</c>,
/// <c>speed</c>. Checked first; every field then reaches the engine as sent.</summary>
public sealed record AudioSpeechBody
{
    /// <summary>OpenAI's limit of characters to speak.</summary>
    public const int MaxInput = Runtimes.Engines.EngineSpeech.MaxInput;

    private static readonly string[] Formats = ["mp3", "opus", "aac", "flac", "wav", "pcm"];

    public string Model { get; init; } = string.Empty;

    public string? Input { get; init; }

    public string? Voice { get; init; }

    public string? ResponseFormat { get; init; }

    public double? Speed { get; init; }

    /// <summary>Throws a 400 naming the field.</summary>
    public void Check()
    {
        if (string.IsNullOrEmpty(Model))
        {
            throw CallException.BadRequest("'model' is required.", "model");
        }

        if (string.IsNullOrEmpty(Input))
        {
            throw CallException.BadRequest("'input' is required: the text to speak.", "input");
        }

        if (Input.Length > MaxInput)
        {
            throw CallException.BadRequest($"'input' has {Input.Length} characters; at most {MaxInput} are allowed.", "input");
        }

        if (ResponseFormat is not null && !Formats.Contains(ResponseFormat))
        {
            throw CallException.BadRequest($"Invalid value for 'response_format': '{ResponseFormat}'. Use one of {string.Join(", ", Formats)}.", "response_format");
        }

        if (Speed is < 0.25 or > 4.0)
        {
            throw CallException.BadRequest("'speed' must be between 0.25 and 4.0.", "speed");
        }
    }
}
