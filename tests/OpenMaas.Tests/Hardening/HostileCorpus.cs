using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenMaas.Tests.Hardening;

/// <summary>One malformed request: how to send it and a name for failure messages.</summary>
public sealed record HostileCase(string Name, HttpMethod Method, string Path, byte[]? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, new Uri(Path, UriKind.Relative));
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        if (Body is { Length: > 1 << 20 })
        {
            request.Headers.ExpectContinue = true; // as curl does: a body over the limit is refused before it is sent
        }

        foreach (var (name, value) in Headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    public override string ToString() => $"{Method} {Path} [{Name}]";
}

/// <summary>
/// Generates malformed requests from one valid body per endpoint: the body cut short, every value at every depth
/// replaced by each other JSON type, duplicate keys, invalid UTF-8, lone surrogates, NUL bytes, a value too large, a
/// nesting too deep, numbers out of range, wrong content types, odd methods, odd paths and percent-encodings, abusive
/// headers, multipart that lies, and JSON schemas that would explode a grammar.
/// </summary>
public static class HostileCorpus
{
    public sealed record JsonEndpoint(string Path, string ValidBody);

    public static IEnumerable<HostileCase> ForJson(JsonEndpoint endpoint)
    {
        var valid = Encoding.UTF8.GetBytes(endpoint.ValidBody);
        var path = endpoint.Path;
        const string json = "application/json";

        // Cut short at several points.
        foreach (var cut in new[] { 1, valid.Length / 3, valid.Length / 2, valid.Length - 1 })
        {
            yield return new($"truncated at {cut}", HttpMethod.Post, path, valid[..cut], json);
        }

        yield return new("empty body", HttpMethod.Post, path, [], json);
        yield return new("not json", HttpMethod.Post, path, "model=x&prompt=y"u8.ToArray(), json);
        yield return new("a json array", HttpMethod.Post, path, "[1,2,3]"u8.ToArray(), json);
        yield return new("a json string", HttpMethod.Post, path, "\"hello\""u8.ToArray(), json);
        yield return new("json null", HttpMethod.Post, path, "null"u8.ToArray(), json);
        yield return new("trailing garbage", HttpMethod.Post, path, [.. valid, .. "}}]]garbage"u8.ToArray()], json);

        // Every value at every depth, replaced by each other type.
        var root = JsonNode.Parse(endpoint.ValidBody)!;
        foreach (var (where, _) in Paths(root, "$"))
        {
            foreach (var (typeName, replacement) in Replacements())
            {
                var copy = JsonNode.Parse(endpoint.ValidBody)!;
                if (Replace(copy, where, replacement) && copy.ToJsonString() != endpoint.ValidBody)
                {
                    yield return new($"{where} := {typeName}", HttpMethod.Post, path, Encoding.UTF8.GetBytes(copy.ToJsonString()), json);
                }
            }
        }

        // Duplicate keys, the first or the last one wrong.
        var inner = endpoint.ValidBody.TrimStart()[1..];
        yield return new("duplicate key, first wrong", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{\"model\":42," + inner), json);
        yield return new("duplicate key, last wrong", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.TrimEnd()[..^1] + ",\"model\":[]}"), json);

        // Encodings.
        yield return new("invalid UTF-8 in a string", HttpMethod.Post, path, Splice(valid, "\"", [0xC3, 0x28, 0xFF, 0xFE]), json);
        yield return new("overlong UTF-8", HttpMethod.Post, path, Splice(valid, "\"", [0xC0, 0xAF]), json);
        yield return new("lone high surrogate", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.Replace("\"Hi\"", "\"\\ud800\"", StringComparison.Ordinal).Replace("\"q\"", "\"\\ud800x\"", StringComparison.Ordinal)), json);
        yield return new("lone low surrogate", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.Replace("\"Hi\"", "\"\\udc00\"", StringComparison.Ordinal)), json);
        yield return new("escaped NUL", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.Replace("\"Hi\"", "\"a\\u0000b\"", StringComparison.Ordinal)), json);
        yield return new("raw NUL byte", HttpMethod.Post, path, Splice(valid, "\"", [0x00]), json);
        yield return new("UTF-16 body", HttpMethod.Post, path, Encoding.Unicode.GetBytes(endpoint.ValidBody), json);
        yield return new("BOM then body", HttpMethod.Post, path, [0xEF, 0xBB, 0xBF, .. valid], json);

        // Sizes.
        yield return new("5 MB string", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{\"model\":\"" + new string('x', 5 << 20) + "\"}"), json);
        yield return new("nesting 100,000 deep", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{\"model\":" + new string('[', 100_000) + new string(']', 100_000) + "}"), json);
        yield return new("nesting 200 deep objects", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.TrimEnd()[..^1] + ",\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}"), json);
        yield return new("100,000 keys", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"\"k{i}\":{i}")) + "}"), json);
        yield return new("number 1e400", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.Replace("1", "1e400", StringComparison.Ordinal)), json);
        yield return new("number -9e18", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.Replace("1", "-9000000000000000000", StringComparison.Ordinal)), json);
        yield return new("number 0.1e-400", HttpMethod.Post, path, Encoding.UTF8.GetBytes(endpoint.ValidBody.Replace("1", "0.1e-400", StringComparison.Ordinal)), json);

        // Content types and methods.
        yield return new("text/plain", HttpMethod.Post, path, valid, "text/plain");
        yield return new("no content type", HttpMethod.Post, path, valid, null);
        yield return new("multipart content type on json", HttpMethod.Post, path, valid, "multipart/form-data; boundary=zzz");
        yield return new("form content type", HttpMethod.Post, path, valid, "application/x-www-form-urlencoded");
        yield return new("json with a bogus charset", HttpMethod.Post, path, valid, "application/json; charset=ebcdic");
        yield return new("PUT", HttpMethod.Put, path, valid, json);
        yield return new("PATCH", HttpMethod.Patch, path, valid, json);
        yield return new("DELETE", HttpMethod.Delete, path, null, null);
        yield return new("GET", HttpMethod.Get, path, null, null);

        // Headers.
        yield return new("32 KB header", HttpMethod.Post, path, valid, json, [new("X-Big", new string('a', 32 * 1024))]);
        yield return new("200 headers", HttpMethod.Post, path, valid, json, [.. Enumerable.Range(0, 200).Select(i => new KeyValuePair<string, string>($"X-H{i}", "v"))]);
        yield return new("accept-encoding abuse", HttpMethod.Post, path, valid, json, [new("Accept-Encoding", string.Join(',', Enumerable.Repeat("gzip;q=0.5", 500)))]);
        yield return new("content-encoding gzip that is not", HttpMethod.Post, path, valid, json, [new("Content-Encoding", "gzip")]);
    }

    /// <summary>Paths as the server sees them, odd or encoded.</summary>
    public static IEnumerable<HostileCase> OddPaths()
    {
        string[] paths =
        [
            "/v1/chat%2Fcompletions", "/v1//chat/completions", "/v1/chat/completions/", "/v1/./chat/completions", "/v1/../v1/models",
            "/v1/models/%2e%2e/%2e%2e/etc/passwd", "/v1/models/..%2F..%2Fopenmaas.db", "/v1/models/%ff%fe", "/v1/models/%u0041",
            "/v1/models/" + new string('a', 8000), "/v1/models/a%20b", "/v1/tasks/%00", "/v1/tasks/..%2f..%2f", "/v1/responses/%2e%2e",
            "/v1/responses/resp_%22%3E%3Cscript%3E", "/files/images/..%2Fopenmaas.db", "/files/images/%2e%2e%2fkeys",
            "/api/v1/models/%2e%2e/x", "/api/v1/models/a/b/repo?FilePath=../../openmaas.db", "/api/v1/models/a/b/repo?FilePath=%2e%2e%2fopenmaas.db",
            "/api/v1/models?PageSize=-1", "/api/v1/models?PageSize=999999999999", "/api/v1/models?PageNumber=abc", "/api/v1/usage?user=%00",
            "/api/v1/tokens/abc", "/api/v1/tokens/99999999999999999999", "/api-inference/v1/models/%2e%2e/x", "/api-inference/v1/models/a",
            "/v1/models?%00=1", "/v1/models?a=" + new string('b', 6000),
        ];
        foreach (var path in paths)
        {
            yield return new("odd path", HttpMethod.Get, path, null, null);
            yield return new("odd path POST", HttpMethod.Post, path, "{}"u8.ToArray(), "application/json");
        }

        foreach (var method in new[] { "TRACE", "OPTIONS", "CONNECTX", "PROPFIND", "HEAD" })
        {
            yield return new($"method {method}", new HttpMethod(method), "/v1/chat/completions", null, null);
            yield return new($"method {method}", new HttpMethod(method), "/api/v1/tokens", null, null);
        }
    }

    /// <summary>Multipart bodies that lie: wrong boundaries, a file that is not audio or an image, sizes that lie.</summary>
    public static IEnumerable<HostileCase> Multipart(string path, string model, string fileField)
    {
        static byte[] Part(string boundary, string body) => Encoding.UTF8.GetBytes(body.Replace("{b}", boundary, StringComparison.Ordinal));
        const string b = "zzBOUNDARYzz";
        var good = $"--{{b}}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{model}\r\n--{{b}}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhi\r\n--{{b}}\r\nContent-Disposition: form-data; name=\"{fileField}\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\u00ff\u00ff\u00ff\u007fWAVEfmt \r\n--{{b}}--\r\n";
        var type = $"multipart/form-data; boundary={b}";
        yield return new("multipart: header that lies about the size", HttpMethod.Post, path, Part(b, good), type);
        yield return new("multipart: no closing boundary", HttpMethod.Post, path, Part(b, good[..^8]), type);
        yield return new("multipart: boundary missing in content type", HttpMethod.Post, path, Part(b, good), "multipart/form-data");
        yield return new("multipart: other boundary", HttpMethod.Post, path, Part(b, good), "multipart/form-data; boundary=other");
        yield return new("multipart: 2,000 parts", HttpMethod.Post, path, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"--{b}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n")) + $"--{b}--\r\n"), type);
        yield return new("multipart: no file", HttpMethod.Post, path, Part(b, $"--{{b}}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{model}\r\n--{{b}}--\r\n"), type);
        yield return new("multipart: file is text", HttpMethod.Post, path, Part(b, good.Replace("RIFF\u00ff\u00ff\u00ff\u007fWAVEfmt ", "just some text", StringComparison.Ordinal)), type);
        yield return new("multipart: model missing", HttpMethod.Post, path, Part(b, $"--{{b}}\r\nContent-Disposition: form-data; name=\"{fileField}\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--{{b}}--\r\n"), type);
        yield return new("multipart: header without disposition", HttpMethod.Post, path, Part(b, "--{b}\r\nX: y\r\n\r\nz\r\n--{b}--\r\n"), type);
        yield return new("multipart: 5 MB field", HttpMethod.Post, path, Part(b, $"--{{b}}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n{new string('p', 5 << 20)}\r\n--{{b}}--\r\n"), type);
        yield return new("json on a multipart endpoint", HttpMethod.Post, path, Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\"}}"), "application/json");
        yield return new("multipart: NUL in names", HttpMethod.Post, path, Part(b, "--{b}\r\nContent-Disposition: form-data; name=\"mo\u0000del\"\r\n\r\nx\r\n--{b}--\r\n"), type);
    }

    /// <summary>Schemas that would make a grammar explode: deep, wide, recursive, huge enums, patterns.</summary>
    public static IEnumerable<HostileCase> GrammarBombs(string model)
    {
        var deep = "{\"type\":\"string\"}";
        for (var i = 0; i < 300; i++)
        {
            deep = $"{{\"type\":\"object\",\"properties\":{{\"a\":{deep}}},\"required\":[\"a\"]}}";
        }

        var wide = "{\"type\":\"object\",\"properties\":{" + string.Join(',', Enumerable.Range(0, 5000).Select(i => $"\"p{i}\":{{\"type\":\"integer\"}}")) + "}}";
        var hugeEnum = "{\"type\":\"string\",\"enum\":[" + string.Join(',', Enumerable.Range(0, 50_000).Select(i => $"\"v{i}\"")) + "]}";
        string[] schemas =
        [
            deep, wide, hugeEnum,
            "{\"$ref\":\"#\"}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"}}}",
            "{\"$ref\":\"#/$defs/x\",\"$defs\":{\"x\":{\"$ref\":\"#/$defs/x\"}}}",
            "{\"type\":\"string\",\"pattern\":\"(a+)+$\"}",
            "{\"type\":\"array\",\"minItems\":1000000000,\"items\":{\"type\":\"string\"}}",
            "{\"type\":\"string\",\"minLength\":2000000000}",
            "{\"anyOf\":[" + string.Join(',', Enumerable.Repeat("{\"type\":\"object\",\"properties\":{\"x\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]}}}", 2000)) + "]}",
            "{\"type\":\"integer\",\"minimum\":1e308,\"maximum\":-1e308}",
            "{\"type\":[\"string\",\"banana\"]}",
            "{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"}}",
        ];
        foreach (var schema in schemas)
        {
            var body = $"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Hi\"}}],\"max_tokens\":4,\"response_format\":{{\"type\":\"json_schema\",\"json_schema\":{{\"name\":\"s\",\"schema\":{schema}}}}}}}";
            yield return new($"grammar bomb {schema[..Math.Min(schema.Length, 40)]}", HttpMethod.Post, "/v1/chat/completions", Encoding.UTF8.GetBytes(body), "application/json");
            var tool = $"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Hi\"}}],\"max_tokens\":4,\"tool_choice\":\"required\",\"tools\":[{{\"type\":\"function\",\"function\":{{\"name\":\"f\",\"parameters\":{schema}}}}}]}}";
            yield return new($"tool grammar bomb {schema[..Math.Min(schema.Length, 40)]}", HttpMethod.Post, "/v1/chat/completions", Encoding.UTF8.GetBytes(tool), "application/json");
        }
    }

    private static IEnumerable<(string Path, JsonNode? Node)> Paths(JsonNode? node, string path)
    {
        yield return (path, node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    foreach (var inner in Paths(value, $"{path}.{key}"))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var inner in Paths(array[i], $"{path}[{i}]"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static IEnumerable<(string Name, Func<JsonNode?> Make)> Replacements() =>
    [
        ("null", () => null),
        ("number", () => JsonValue.Create(-1.5)),
        ("string", () => JsonValue.Create("\u202e\ud83d\ude00x")),
        ("bool", () => JsonValue.Create(true)),
        ("array", () => new JsonArray(1, "a", null)),
        ("object", () => new JsonObject { ["x"] = 1 }),
    ];

    private static bool Replace(JsonNode root, string path, Func<JsonNode?> make)
    {
        if (path == "$")
        {
            return false; // the whole body replaced is covered by the cases above
        }

        var node = root;
        var steps = Steps(path[1..]).ToList();
        for (var i = 0; i < steps.Count - 1; i++)
        {
            node = steps[i] is int index ? node?[index] : node?[(string)steps[i]];
        }

        switch (node, steps[^1])
        {
            case (JsonObject obj, string key):
                obj[key] = make();
                return true;
            case (JsonArray array, int index):
                array[index] = make();
                return true;
            default:
                return false;
        }
    }

    private static IEnumerable<object> Steps(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end;
            }
            else
            {
                var end = path.IndexOf(']', i);
                yield return int.Parse(path[(i + 1)..end], System.Globalization.CultureInfo.InvariantCulture);
                i = end + 1;
            }
        }
    }

    private static byte[] Splice(byte[] valid, string after, byte[] bytes)
    {
        var at = Array.IndexOf(valid, (byte)after[0], Array.LastIndexOf(valid, (byte)':') + 1);
        at = at < 0 ? valid.Length / 2 : at + 1;
        return [.. valid[..at], .. bytes, .. valid[at..]];
    }
}
