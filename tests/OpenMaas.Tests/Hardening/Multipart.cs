using System.Text;
using CsCheck;

namespace OpenMaas.Tests.Hardening;

/// <summary>Multipart uploads for fuzzing the form readers (audio transcriptions, image edits, the task API): valid
/// forms with fields dropped, sent twice or given odd values, broken part headers, a content type that lies about its
/// boundary, and the body cut or damaged.</summary>
internal static class Multipart
{
    private const string Boundary = "----fuzzboundary7MA4YWxkTrZu0gW";

    private static readonly byte[] Wav = [.. "RIFF"u8, 36, 0, 0, 0, .. "WAVEfmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0, 16, 0, .. "data"u8, 0, 0, 0, 0];

    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==");

    /// <summary>The parts of a valid upload: name, file name (null for a plain field), content.</summary>
    private static (string Name, string? File, byte[] Content)[] Parts(string surface) => surface switch
    {
        "transcriptions" =>
        [
            ("model", null, "m"u8.ToArray()), ("file", "a.wav", Wav), ("language", null, "en"u8.ToArray()), ("prompt", null, "p"u8.ToArray()),
            ("response_format", null, "json"u8.ToArray()), ("temperature", null, "0.2"u8.ToArray()), ("timestamp_granularities[]", null, "word"u8.ToArray()),
        ],
        "image_edits" =>
        [
            ("model", null, "m"u8.ToArray()), ("prompt", null, "a hat"u8.ToArray()), ("image", "a.png", Png), ("mask", "m.png", Png),
            ("n", null, "1"u8.ToArray()), ("size", null, "512x512"u8.ToArray()), ("response_format", null, "b64_json"u8.ToArray()),
        ],
        _ => [("input", "a.png", Png), ("parameters", null, """{"top_k":3}"""u8.ToArray())],
    };

    public static (string ContentType, byte[] Body) Valid(string surface) => ($"multipart/form-data; boundary={Boundary}", Build(Parts(surface), 0, 0));

    private static readonly string[] Values =
        ["", "x", "-1", "0", "1e999", "NaN", "2147483648", "abc\0def", "512x0", "99999x99999", "b64_json", "url", "srt", "{", """{"top_k":"x"}""", "[1]", "null"];

    public static Gen<(string ContentType, byte[] Body)> Uploads(string surface)
    {
        var parts = Parts(surface);
        var edit = Gen.Select(Gen.Int[0, parts.Length - 1], Gen.Int[0, 6], Gen.Int[0, Values.Length - 1]);
        var damage = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 3], Gen.Byte);
        var contentType = Gen.OneOf(
            $"multipart/form-data; boundary={Boundary}", $"multipart/form-data; boundary=\"{Boundary}\"", "multipart/form-data", "multipart/form-data; boundary=",
            "multipart/form-data; boundary=other", $"multipart/form-data; boundary={new string('b', 100)}", $"multipart/mixed; boundary={Boundary}",
            $"application/x-www-form-urlencoded", "text/plain", $"multipart/form-data; boundary={Boundary}; charset=utf-7");
        return Gen.Select(Gen.Frequency((6, Gen.Const($"multipart/form-data; boundary={Boundary}")), (1, contentType)), edit.Array[0, 3], Gen.Int[0, 3], Gen.Int[0, 4], damage.Array[0, 2], (type, edits, headerKind, preamble, damages) =>
        {
            var list = parts.ToList();
            foreach (var (at, kind, value) in edits)
            {
                var (name, file, _) = list[at % list.Count];
                switch (kind)
                {
                    case 0 when list.Count > 1:
                        list.RemoveAt(at % list.Count);
                        break;
                    case 1:
                        list.Add(list[at % list.Count]);
                        break;
                    case 2:
                        list[at % list.Count] = (name, file, Encoding.UTF8.GetBytes(Values[value]));
                        break;
                    case 3:
                        list[at % list.Count] = (name, file, [0xFF, 0xFE, 0x00, 0xC3]);
                        break;
                    case 4:
                        list[at % list.Count] = (name, file is null ? "f.bin" : null, list[at % list.Count].Content);
                        break;
                    case 5:
                        list[at % list.Count] = (name, file, new byte[70_000]); // past the 64 KiB kept in memory
                        break;
                    default:
                        list[at % list.Count] = (name + "\0", file, list[at % list.Count].Content);
                        break;
                }
            }

            var body = Build([.. list], headerKind, preamble);
            foreach (var (at, kind, b) in damages)
            {
                var i = body.Length == 0 ? 0 : at % body.Length;
                body = kind switch
                {
                    0 => body[..i],
                    1 when body.Length > 0 => [.. body[..i], b, .. body[(i + 1)..]],
                    2 => [.. body[..i], 0xFF, .. body[i..]],
                    _ => [.. body[..i], .. "\r\n--"u8, .. Encoding.ASCII.GetBytes(Boundary), .. "\r\n"u8, .. body[i..]],
                };
            }

            return (type, body);
        });
    }

    /// <summary>The body; <paramref name="headerKind"/> 1–3 breaks the first part's headers, <paramref name="preamble"/>
    /// adds text before the first boundary or leaves the closing one out.</summary>
    private static byte[] Build((string Name, string? File, byte[] Content)[] parts, int headerKind, int preamble)
    {
        using var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        if (preamble == 1)
        {
            Text("preamble\r\n");
        }

        for (var i = 0; i < parts.Length; i++)
        {
            var (name, file, content) = parts[i];
            Text($"--{Boundary}\r\n");
            var disposition = $"Content-Disposition: form-data; name=\"{name}\"" + (file is null ? string.Empty : $"; filename=\"{file}\"");
            Text((i, headerKind) switch
            {
                (0, 1) => "Content-Disposition: form-data\r\n",
                (0, 2) => disposition + "; filename*=UTF-8''%FF%00.bin\r\nContent-Type: \r\n",
                (0, 3) => "X: " + new string('h', 20_000) + "\r\n" + disposition + "\r\n",
                _ => disposition + "\r\n" + (file is null ? string.Empty : "Content-Type: application/octet-stream\r\n"),
            });
            Text("\r\n");
            body.Write(content);
            Text("\r\n");
        }

        Text(preamble == 2 ? string.Empty : $"--{Boundary}--\r\n");
        return body.ToArray();
    }
}
