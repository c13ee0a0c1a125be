using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary>Reads a multipart body (images edits, audio uploads, the task API): 415 when it is not multipart, 413 beyond the
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
        catch (ArgumentException)
        {
            // ASP.NET Core's header parser throws ArgumentNullException on a Content-Disposition cut after "filename*".
            throw CallException.BadRequest("The multipart body has a part header that cannot be read.");
        }
        catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
        {
            // MultipartReader's "Unexpected end of Stream": the body ended before its closing boundary.
            throw CallException.BadRequest("The multipart body ends before its closing boundary.");
        }
    }

    /// <summary>The one non-empty value of a field, or null.</summary>
    public static string? Single(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values is [{ Length: > 0 } value] ? value : null;
}
