using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>File inputs sent as text: a data URL (<c>data:image/png;base64,…</c>) or plain base64.</summary>
public static class TaskInputs
{
    /// <summary>True for a <c>data:</c> URL.</summary>
    public static bool IsDataUrl(string value) => value.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The bytes of a data URL or of base64; a 400 when it is neither.</summary>
    public static byte[] DecodeBase64(string value)
    {
        var payload = value;
        if (IsDataUrl(value))
        {
            var comma = value.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !value[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw CallException.BadRequest("The data URL in 'input' must be base64: data:MIME;base64,DATA.", "input", "invalid_base64");
            }

            payload = value[(comma + 1)..];
        }

        var buffer = new byte[(payload.Length * 3 / 4) + 3];
        if (payload.Length == 0 || !Convert.TryFromBase64String(payload.Trim(), buffer, out var written))
        {
            throw CallException.BadRequest("'input' is not valid base64 (send the file as base64, a data URL, or a multipart upload).", "input", "invalid_base64");
        }

        return buffer[..written];
    }
}
