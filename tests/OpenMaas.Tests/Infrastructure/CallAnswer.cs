using System.Net;
using System.Text.Json;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>How a /v1 call was answered: its status, whether an error came in the OpenAI envelope (with a message), with
/// <c>Retry-After</c>, and its error code (the start of the body when it was no envelope).</summary>
public sealed record CallAnswer(HttpStatusCode Status, bool Envelope, bool RetryAfter, string? Code)
{
    public static async Task<CallAnswer> OfAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return new CallAnswer(response.StatusCode, true, false, null);
        }

        var retryAfter = response.Headers.RetryAfter is not null;
        try
        {
            if (JsonSerializer.Deserialize<JsonElement>(text) is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("error", out var error))
            {
                return new CallAnswer(response.StatusCode, error.TryGetProperty("message", out _), retryAfter,
                    error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null);
            }
        }
        catch (JsonException)
        {
        }

        return new CallAnswer(response.StatusCode, false, retryAfter, text.Length > 80 ? text[..80] : text);
    }

    /// <summary>Counts per status and code, e.g. <c>200 : 40, 503 database_unavailable: 3</c>.</summary>
    public static string Summary(IEnumerable<CallAnswer> answers) =>
        string.Join(", ", answers.GroupBy(a => (a.Status, a.Code)).Select(g => $"{(int)g.Key.Status} {g.Key.Code}: {g.Count()}"));
}
