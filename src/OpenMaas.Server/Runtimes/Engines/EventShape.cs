using System.Text.Json;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// What the one check of an engine's stream event found on its top level, so the forwarder writes it without reading it
/// again (issue 20: one pass per chunk): where the <c>model</c> string token is (quotes included; the first top-level
/// <c>model</c> whose value is a string, as <see cref="ModelField"/> finds it) and whether it carries a <c>usage</c>.
/// </summary>
/// <param name="ModelStart">Start of the <c>model</c> string token in the payload; -1 when there is none.</param>
/// <param name="ModelLength">Its length in bytes, quotes included.</param>
/// <param name="HasUsage">The payload has a top-level <c>usage</c> property.</param>
internal readonly record struct EventShape(int ModelStart, int ModelLength, bool HasUsage)
{
    /// <summary>No model to replace, no usage (<c>[DONE]</c>, an empty event).</summary>
    public static EventShape None => new(-1, 0, false);

    /// <summary>Scans one event's data: null when it is an object to pass on (its shape in <paramref name="shape"/>),
    /// otherwise what is wrong with it (not one JSON object, or an <c>error</c> object on its top level).</summary>
    public static string? Scan(ReadOnlySpan<byte> payload, out EventShape shape)
    {
        shape = None;
        if (payload.IsEmpty || payload.SequenceEqual("[DONE]"u8))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return NotAnObject;
            }

            var (error, usage, modelStart, modelLength) = (false, false, -1, 0);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error"u8);
                var isModel = modelStart < 0 && !isError && reader.ValueTextEquals("model"u8);
                usage |= !isError && !isModel && reader.ValueTextEquals("usage"u8);
                reader.Read();
                error |= isError && reader.TokenType == JsonTokenType.StartObject;
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    modelStart = (int)reader.TokenStartIndex;
                    modelLength = (int)reader.BytesConsumed - modelStart;
                }

                reader.Skip();
            }

            if (reader.Read())
            {
                return NotAnObject;
            }

            shape = new EventShape(modelStart, modelLength, usage);
            return error ? "it reported an error in the middle of its answer." : null;
        }
        catch (JsonException)
        {
            return NotAnObject;
        }
    }

    private const string NotAnObject = "it sent an event that is not a JSON object.";
}
