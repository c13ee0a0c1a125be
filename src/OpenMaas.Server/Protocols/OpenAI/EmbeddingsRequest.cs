using System.Text.Json;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Embeddings;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/embeddings</c> body. <see cref="Input"/> is a string, an array of strings, an array of token
/// ids or an array of arrays of token ids; <see cref="ToInputs"/> checks it.</summary>
public sealed record EmbeddingsRequest
{
    /// <summary>OpenAI's limit of inputs per request.</summary>
    public const int MaxInputs = 2048;

    public string Model { get; init; } = string.Empty;

    public JsonElement Input { get; init; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32).</summary>
    public string? EncodingFormat { get; init; }

    public int? Dimensions { get; init; }

    public string? User { get; init; }

    public bool Base64 => EncodingFormat == "base64";

    /// <summary>Checks every field that needs no model and returns the inputs; throws a 400 <see cref="CallException"/>.</summary>
    public IReadOnlyList<EmbeddingInput> ToInputs()
    {
        if (string.IsNullOrEmpty(Model))
        {
            throw CallException.BadRequest("'model' is required.", "model");
        }

        if (EncodingFormat is not (null or "float" or "base64"))
        {
            throw CallException.BadRequest($"Invalid value for 'encoding_format': '{EncodingFormat}'. Use 'float' or 'base64'.", "encoding_format");
        }

        if (Dimensions is <= 0)
        {
            throw CallException.BadRequest("'dimensions' must be a positive integer.", "dimensions");
        }

        List<EmbeddingInput> inputs = Input.ValueKind switch
        {
            JsonValueKind.String => [Text(Input, "input")],
            JsonValueKind.Array when Input.GetArrayLength() == 0 => throw CallException.BadRequest("'input' must not be empty.", "input"),
            JsonValueKind.Array when Input[0].ValueKind == JsonValueKind.Number => [Tokens(Input, "input")],
            JsonValueKind.Array => FromArray(Input),
            JsonValueKind.Undefined or JsonValueKind.Null => throw CallException.BadRequest("'input' is required.", "input"),
            _ => throw CallException.BadRequest("'input' must be a string, an array of strings, an array of token ids or an array of token arrays.", "input"),
        };
        return inputs.Count <= MaxInputs ? inputs
            : throw CallException.BadRequest($"'input' has {inputs.Count} items; at most {MaxInputs} are allowed per request.", "input");
    }

    private static List<EmbeddingInput> FromArray(JsonElement array)
    {
        var inputs = new List<EmbeddingInput>(array.GetArrayLength());
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var param = $"input[{i++}]";
            inputs.Add(item.ValueKind switch
            {
                JsonValueKind.String => Text(item, param),
                JsonValueKind.Array => Tokens(item, param),
                _ => throw CallException.BadRequest($"'{param}' must be a string or an array of token ids, like the other items.", param),
            });
            if (inputs.Count > EmbeddingsRequest.MaxInputs)
            {
                break;
            }
        }

        if (inputs.Select(x => x.Text is null).Distinct().Count() > 1)
        {
            throw CallException.BadRequest("'input' mixes strings and token arrays; send one kind.", "input");
        }

        return inputs;
    }

    private static EmbeddingInput Text(JsonElement item, string param)
    {
        var text = item.GetString()!;
        return text.Length > 0 ? new EmbeddingInput(text, null) : throw CallException.BadRequest($"'{param}' must not be an empty string.", param);
    }

    private static EmbeddingInput Tokens(JsonElement item, string param)
    {
        var tokens = new int[item.GetArrayLength()];
        if (tokens.Length == 0)
        {
            throw CallException.BadRequest($"'{param}' must not be an empty token array.", param);
        }

        var t = 0;
        foreach (var token in item.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Number || !token.TryGetInt32(out var id) || id < 0)
            {
                throw CallException.BadRequest($"'{param}[{t}]' must be a non-negative integer token id.", $"{param}[{t}]");
            }

            tokens[t++] = id;
        }

        return new EmbeddingInput(null, tokens);
    }
}
