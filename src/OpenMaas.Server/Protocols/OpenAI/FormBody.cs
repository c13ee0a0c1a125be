using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Reads a multipart body (images edits, audio uploads): 415 when it is not multipart, 413 beyond the
/// request's size limit, 400 when it cannot be parsed. ASP.NET Core keeps files past 64 KiB on disk.</summary>
internal static class FormBody
{
    public static async ValueTask<IFormCollection> ReadAsync(HttpContext http, string? tooLarge = null)
    {
        var request = http.Request;
        if (!request.HasFormContentType)
        {
            throw CallException.UnsupportedMediaType(request.ContentType ?? "none", "multipart/form-data");
        }

        try
        {
            return await request.ReadFormAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw CallException.RequestTooLarge(tooLarge);
        }
        catch (InvalidDataException e)
        {
            throw CallException.BadRequest($"The multipart body cannot be read: {e.Message}");
        }
    }

    /// <summary>The one non-empty value of a field, or null.</summary>
    public static string? Single(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values is [{ Length: > 0 } value] ? value : null;
}
