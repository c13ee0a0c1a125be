using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Quota;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

internal static class QuotaTestExtensions
{
    public const string Chat = "/v1/chat/completions";

    /// <summary>The cheapest real inference call: one token from stories260K.</summary>
    public static Task<HttpResponseMessage> ChatAsync(this HttpClient http, string model = TestAssets.StoriesId) =>
        http.PostAsync(Chat, new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":1}""", Encoding.UTF8, "application/json"));

    public static Task SetLimitAsync(this ServerFixture server, long? userId, string? model, int daily) =>
        server.Services.GetRequiredService<IQuotaLimits>().SetAsync(userId, model, daily);

    public static async Task<JsonElement> UsageAsync(this HttpClient http, string? user = null)
    {
        using var response = await http.GetAsync("/api/v1/usage" + (user is null ? string.Empty : "?user=" + user));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<(string Message, string Type, string? Code)> ErrorAsync(this HttpResponseMessage response)
    {
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        return (error.GetProperty("message").GetString()!, error.GetProperty("type").GetString()!, error.GetProperty("code").GetString());
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : string.Empty;
}
