using System.Net;
using System.Net.Http.Json;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.WebConsole;

/// <summary>Plain HTTP callers of the console as the authorisation matrices use them: cookies kept, redirects not
/// followed (so a sign-in redirect is seen as one), a session from the sign-in API.</summary>
internal static class ConsoleSessions
{
    public static HttpClient Anonymous(ServerFixture server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };

    /// <summary>Signed in as <paramref name="user"/> (password: name + "-password").</summary>
    public static async Task<HttpClient> SignedInAsync(ServerFixture server, string user)
    {
        var http = Anonymous(server);
        using var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { name = user, password = user + "-password" });
        login.EnsureSuccessStatusCode();
        return http;
    }
}
