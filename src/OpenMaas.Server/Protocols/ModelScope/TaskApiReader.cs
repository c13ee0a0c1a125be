using System.Text.Json;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Tasks;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>Reads a task API call: JSON <c>{"input": …, "parameters": {…}}</c> or a multipart upload (file field
/// <c>input</c>, optional field <c>parameters</c> holding JSON). Checks every type; the model's task decides later what
/// a string input is and which parameters it takes (numbers, or strings such as text-to-speech's <c>voice</c>).</summary>
internal static class TaskApiReader
{
    private static readonly string[] InputKeys = ["text", "image", "audio", "source_sentence", "sentences_to_compare"];

    public static async ValueTask<(TaskPayload Input, TaskParameters Parameters)> ReadAsync(HttpRequest request)
    {
        try
        {
            if (request.HasFormContentType)
            {
                return await ReadFormAsync(request);
            }

            if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                throw CallException.UnsupportedMediaType(type, "application/json or multipart/form-data");
            }

            using var document = JsonBodyReader.ParseDocument(await JsonBodyReader.ReadBytesAsync(request.HttpContext));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw CallException.BadRequest("The request body must be a JSON object: {\"input\": …, \"parameters\": {…}}.");
            }

            var input = root.TryGetProperty("input", out var i) ? Input(i) : throw CallException.BadRequest("'input' is required.", "input");
            return (input, root.TryGetProperty("parameters", out var p) ? Parameters(p) : TaskParameters.None);
        }
        catch (JsonException)
        {
            throw CallException.BadRequest("The request body is not valid JSON.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw CallException.RequestTooLarge();
        }
        catch (InvalidDataException e)
        {
            throw CallException.BadRequest($"The multipart body cannot be read: {e.Message}");
        }
        catch (IOException) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw CallException.BadRequest("The multipart body ends before its closing boundary.");
        }
    }

    private static async ValueTask<(TaskPayload, TaskParameters)> ReadFormAsync(HttpRequest request)
    {
        var form = await OpenAI.FormBody.ReadAsync(request.HttpContext);
        var file = form.Files.GetFile("input") ?? (form.Files.Count == 1 ? form.Files[0] : null);
        TaskPayload input;
        if (file is not null)
        {
            using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
            await file.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            input = new TaskPayload.File(buffer.ToArray());
        }
        else if (form.TryGetValue("input", out var text) && text.Count == 1)
        {
            input = StringInput(text[0]!);
        }
        else
        {
            throw CallException.BadRequest("The multipart body needs one file (or text) in the field 'input'.", "input");
        }

        if (!form.TryGetValue("parameters", out var parameters) || parameters.Count == 0)
        {
            return (input, TaskParameters.None);
        }

        using var document = JsonDocument.Parse(parameters[0]!);
        return (input, Parameters(document.RootElement));
    }

    private static TaskPayload Input(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => StringInput(input.GetString()!),
        JsonValueKind.Array => new TaskPayload.Texts(Strings(input, "input")),
        JsonValueKind.Object => ObjectInput(input),
        _ => throw CallException.BadRequest("'input' must be a string (text, base64 or a data URL), an array of strings, or an object.", "input", "invalid_type"),
    };

    private static TaskPayload ObjectInput(JsonElement input)
    {
        foreach (var property in input.EnumerateObject())
        {
            if (!InputKeys.Contains(property.Name))
            {
                throw CallException.BadRequest($"Unknown field 'input.{property.Name}' (known: {string.Join(", ", InputKeys)}).", "input." + property.Name);
            }
        }

        if (input.TryGetProperty("sentences_to_compare", out var targets))
        {
            var source = input.TryGetProperty("source_sentence", out var s) ? s : throw CallException.BadRequest("'input.source_sentence' is required with 'input.sentences_to_compare'.", "input.source_sentence");
            var sources = s.ValueKind == JsonValueKind.Array ? Strings(source, "input.source_sentence") : [String(source, "input.source_sentence")];
            return sources.Count == 1 ? new TaskPayload.Compare(sources[0], Strings(targets, "input.sentences_to_compare"))
                : throw CallException.BadRequest("'input.source_sentence' must hold one sentence.", "input.source_sentence");
        }

        foreach (var key in InputKeys)
        {
            if (input.TryGetProperty(key, out var value))
            {
                return value.ValueKind == JsonValueKind.Array && key is "text" or "source_sentence"
                    ? new TaskPayload.Texts(Strings(value, "input." + key))
                    : StringInput(String(value, "input." + key));
            }
        }

        throw CallException.BadRequest("'input' is an empty object.", "input");
    }

    private static TaskPayload StringInput(string value)
    {
        if (value.Length == 0)
        {
            throw CallException.BadRequest("'input' must not be empty.", "input");
        }

        return TaskInputs.IsDataUrl(value) ? new TaskPayload.File(TaskInputs.DecodeBase64(value)) : new TaskPayload.Text(value);
    }

    private static string String(JsonElement value, string param) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s
        : throw CallException.BadRequest($"'{param}' must be a non-empty string.", param, "invalid_type");

    private static List<string> Strings(JsonElement array, string param)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw CallException.BadRequest($"'{param}' must be a non-empty array of strings.", param, "invalid_type");
        }

        if (array.GetArrayLength() > 2048)
        {
            throw CallException.BadRequest($"'{param}' has {array.GetArrayLength()} items; at most 2048 are allowed.", param);
        }

        var i = 0;
        return [.. array.EnumerateArray().Select(e => String(e, $"{param}[{i++}]"))];
    }

    private static TaskParameters Parameters(JsonElement parameters)
    {
        if (parameters.ValueKind == JsonValueKind.Null)
        {
            return TaskParameters.None;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw CallException.BadRequest("'parameters' must be an object of numbers and strings.", "parameters", "invalid_type");
        }

        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String)
            {
                texts[p.Name] = p.Value.GetString()!;
                continue;
            }

            numbers[p.Name] = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var v) && double.IsFinite(v) ? v
                : throw CallException.BadRequest($"'parameters.{p.Name}' must be a number or a string.", "parameters." + p.Name, "invalid_type");
        }

        return new TaskParameters(numbers, texts);
    }
}
