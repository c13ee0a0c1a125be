using System.Globalization;
using System.Text.Json;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/images/generations</c> body: OpenAI's fields plus ModelScope's (<c>negative_prompt</c>,
/// <c>seed</c>, <c>steps</c>, <c>guidance</c>, <c>image_url</c>, <c>loras</c>). Every field reaches the engine as sent;
/// these are checked first so a mistake is a 400 that costs nothing.</summary>
public sealed record ImagesBody
{
    /// <summary>Most images per call.</summary>
    public const int MaxImages = 10;

    /// <summary>Most LoRAs per call (ModelScope's limit).</summary>
    public const int MaxLoras = 6;

    public string Model { get; init; } = string.Empty;

    public JsonElement Prompt { get; init; }

    public JsonElement NegativePrompt { get; init; }

    public string? Size { get; init; }

    public int? N { get; init; }

    public long? Seed { get; init; }

    public int? Steps { get; init; }

    public double? Guidance { get; init; }

    public string? ImageUrl { get; init; }

    public JsonElement Loras { get; init; }

    /// <summary><c>url</c> (default) or <c>b64_json</c>.</summary>
    public string? ResponseFormat { get; init; }

    /// <summary>Checks every field that needs no model; returns the prompt. Throws a 400.</summary>
    public string Check()
    {
        if (string.IsNullOrEmpty(Model))
        {
            throw CallException.BadRequest("'model' is required.", "model");
        }

        var prompt = Prompt.ValueKind switch
        {
            JsonValueKind.String when Prompt.GetString() is { Length: > 0 } p => p,
            JsonValueKind.Undefined or JsonValueKind.Null => throw CallException.BadRequest("'prompt' is required.", "prompt"),
            _ => throw CallException.BadRequest("'prompt' must be a non-empty string.", "prompt"),
        };
        if (NegativePrompt.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            throw CallException.BadRequest("'negative_prompt' must be a string.", "negative_prompt");
        }

        CheckCommon(Size, N, ResponseFormat);
        Range(Seed, 0, int.MaxValue, "seed");
        Range(Steps, 1, 200, "steps");
        Range(Guidance, 0, 100, "guidance");
        if (ImageUrl is not null && !(ImageUrl.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)
            || (Uri.TryCreate(ImageUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")))
        {
            throw CallException.BadRequest("'image_url' must be an http(s) URL or a data:image/… URL.", "image_url");
        }

        CheckLoras(Loras);
        return prompt;
    }

    /// <summary>The fields generations and edits share: <c>size</c> as <c>WIDTHxHEIGHT</c>, <c>n</c>,
    /// <c>response_format</c>.</summary>
    public static void CheckCommon(string? size, int? n, string? responseFormat)
    {
        if (size is not null && !IsSize(size))
        {
            throw CallException.BadRequest($"Invalid value for 'size': '{size}'. Use WIDTHxHEIGHT, e.g. 1024x1024 (64 to 4096 each).", "size");
        }

        Range(n, 1, MaxImages, "n");
        if (responseFormat is not (null or "url" or "b64_json"))
        {
            throw CallException.BadRequest($"Invalid value for 'response_format': '{responseFormat}'. Use 'url' or 'b64_json'.", "response_format");
        }
    }

    private static bool IsSize(string size)
    {
        var parts = size.Split('x', '*', 'X');
        return parts.Length == 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 64 and <= 4096);
    }

    private static void Range(double? value, double min, double max, string param)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw CallException.BadRequest($"'{param}' must be between {min} and {max}.", param);
        }
    }

    // A LoRA ID, or {id: weight} with at most six entries whose weights sum to 1.
    private static void CheckLoras(JsonElement loras)
    {
        switch (loras.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return;
            case JsonValueKind.String when loras.GetString() is { Length: > 0 }:
                return;
            case JsonValueKind.Object:
                var weights = loras.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.Number && p.Value.GetDouble() is var w && w is > 0 and <= 1 ? w
                    : throw CallException.BadRequest($"'loras.{p.Name}' must be a weight in (0, 1].", "loras")).ToList();
                if (weights.Count is 0 or > MaxLoras)
                {
                    throw CallException.BadRequest($"'loras' must name 1 to {MaxLoras} LoRAs.", "loras");
                }

                if (Math.Abs(weights.Sum() - 1) > 1e-6)
                {
                    throw CallException.BadRequest("The weights in 'loras' must sum to 1.", "loras");
                }

                return;
            default:
                throw CallException.BadRequest("'loras' must be a LoRA ID or an object {\"ID\": weight, …}.", "loras");
        }
    }
}
