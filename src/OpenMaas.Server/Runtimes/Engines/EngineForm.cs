using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>A client's multipart form as an engine gets it: every field and file as sent, with the engine's model name
/// and any field OpenMaaS sets. Files are streamed from where ASP.NET Core buffered them (disk beyond 64 KiB).</summary>
internal static class EngineForm
{
    public static MultipartFormDataContent Create(IFormCollection form, string engineModel, params (string Name, string Value)[] set)
    {
        var content = new MultipartFormDataContent { { new StringContent(engineModel), "model" } };
        foreach (var (name, value) in set)
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var (name, values) in form)
        {
            if (name == "model" || set.Any(s => s.Name == name))
            {
                continue;
            }

            foreach (var value in (StringValues)values)
            {
                content.Add(new StringContent(value ?? string.Empty), name);
            }
        }

        foreach (var file in form.Files)
        {
            var part = new StreamContent(file.OpenReadStream());
            if (file.ContentType is { Length: > 0 } type && MediaTypeHeaderValue.TryParse(type, out var media))
            {
                part.Headers.ContentType = media;
            }

            content.Add(part, file.Name, file.FileName);
        }

        return content;
    }
}
