using System.Text.Json;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>Reads a Server-Sent Events body into its <c>data:</c> payloads.</summary>
public static class Sse
{
    public static async IAsyncEnumerable<string> ReadDataAsync(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                yield return line["data: ".Length..];
            }
        }
    }

    /// <summary>Joins the text of a chat (delta.content) or completion (text) stream; returns the text and the event count.</summary>
    public static async Task<(string Text, int Events, string? Finish, JsonElement? Usage, bool Done)> CollectAsync(HttpResponseMessage response)
    {
        var text = new System.Text.StringBuilder();
        var events = 0;
        string? finish = null;
        JsonElement? usage = null;
        var done = false;
        await foreach (var data in ReadDataAsync(response))
        {
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            events++;
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = u.Clone();
            }

            foreach (var choice in root.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var c))
                {
                    text.Append(c.GetString());
                }

                if (choice.TryGetProperty("text", out var t))
                {
                    text.Append(t.GetString());
                }

                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                {
                    finish = choice.GetProperty("finish_reason").GetString();
                }
            }
        }

        return (text.ToString(), events, finish, usage, done);
    }
}
