using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>ModelScope's task API envelope, <c>{"Code":200,"Data":{…},"Message":"success","RequestId":"…"}</c>; failures
/// carry the HTTP status as <c>Code</c>, <c>Data</c> null and a clear <c>Message</c>. The surface's one error writer.</summary>
internal sealed class TaskApiEnvelope : ISurfaceErrorWriter
{
    public static readonly TaskApiEnvelope Instance = new();

    public static byte[] Success(JsonObject data, string requestId) => Write(StatusCodes.Status200OK, data, "success", requestId);

    /// <summary>The task API does not stream; an error event would carry the same envelope.</summary>
    public void WriteStreamError(SseWriter sse, CallException error, string requestId) =>
        sse.Data(error, (w, e) => w.WriteRawValue(Write(e.Status, null, e.Message, requestId)));

    public async Task WriteAsync(HttpContext context, CallException error)
    {
        if (!ErrorResponses.TryStart(context, error))
        {
            return;
        }

        await context.Response.Body.WriteAsync(Write(error.Status, null, error.Message, context.TraceIdentifier), CancellationToken.None);
    }

    private static byte[] Write(int code, JsonObject? data, string message, string requestId)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("Code", code);
            json.WritePropertyName("Data");
            if (data is null)
            {
                json.WriteNullValue();
            }
            else
            {
                data.WriteTo(json);
            }

            json.WriteString("Message", message);
            json.WriteString("RequestId", requestId);
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
