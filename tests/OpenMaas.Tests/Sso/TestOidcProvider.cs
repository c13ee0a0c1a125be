using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OpenMaas.Tests.Sso;

/// <summary>
/// A real OpenID Connect provider on loopback for the single sign-on tests: OpenIddict's server (discovery, JWKS, the
/// authorization code flow with PKCE, ID tokens signed with an ephemeral RSA key), its applications in an EF Core
/// in-memory store. Its login page asks for a user name and signs that person in with the claims of
/// <see cref="People"/>. <see cref="Mode"/> makes it misbehave on purpose: an ID token altered after signing, or one
/// issued already expired (its clock set two hours back).
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "openmaas-console";
    public const string ClientSecret = "provider-client-secret-for-tests";
    public const string AdminRole = "openmaas-admin";

    public enum Behaviour
    {
        Normal,

        /// <summary>The token endpoint's ID token gets another subject and the admin role after it was signed.</summary>
        TamperIdToken,

        /// <summary>Tokens are issued by a clock two hours behind: the ID token has expired when it arrives.</summary>
        Expired,
    }

    /// <summary>Who the login page knows: name → subject, roles, organisations. Anyone else gets subject "sub-{name}".</summary>
    public ConcurrentDictionary<string, (string Subject, string[] Roles, string[] Organizations)> People { get; } = new(StringComparer.Ordinal);

    public Behaviour Mode { get; set; }

    public Uri Authority { get; private set; } = null!;

    private readonly ShiftedClock _clock = new();
    private WebApplication? _app;

    public async Task StartAsync(ILoggerProvider? log = null)
    {
        // Its own content root: not the test folder, whose appsettings.json is OpenMaaS's.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(log is null ? LogLevel.Warning : LogLevel.Debug);
        if (log is not null)
        {
            builder.Logging.AddProvider(log).AddFilter((_, _, _) => true);
        }
        var store = "oidc-" + Guid.NewGuid().ToString("N"); // one in-memory database for every scope of this provider
        builder.Services.AddDbContext<DbContext>(o => o.UseInMemoryDatabase(store).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.Profile, Scopes.Email);
                o.AddEphemeralSigningKey().AddEphemeralEncryptionKey().DisableAccessTokenEncryption();
                o.Configure(options => options.TimeProvider = _clock);
                o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });
        _app = builder.Build();
        _app.Use(TamperAsync);
        _app.UseAuthentication();
        _app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Authority = new Uri(address.TrimEnd('/') + "/");
    }

    /// <summary>Registers OpenMaaS's console as a confidential client that may come back to <paramref name="redirect"/>.</summary>
    public async Task RegisterClientAsync(Uri redirect)
    {
        await using var scope = _app!.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            RedirectUris = { redirect },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Email,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });

        // Warm up (the store's model, the keys, discovery) so the first sign-in of a test is not the one that pays for it.
        await manager.FindByClientIdAsync(ClientId);
        using var http = new HttpClient { BaseAddress = Authority };
        (await http.GetAsync(".well-known/openid-configuration")).EnsureSuccessStatusCode();
        (await http.GetAsync(".well-known/jwks")).EnsureSuccessStatusCode();
    }

    private async Task<IResult> AuthorizeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var name = (string?)request["test_user"];
        if (string.IsNullOrEmpty(name))
        {
            return Results.Content(LoginPage(request), "text/html; charset=utf-8");
        }

        var (subject, roles, organizations) = People.TryGetValue(name, out var known) ? known : ("sub-" + name, [], []);
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject).SetClaim(Claims.PreferredUsername, name).SetClaim(Claims.Email, name + "@example.test");
        identity.SetClaims("roles", [.. roles]).SetClaims("orgs", [.. organizations]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        _clock.Behind = Mode == Behaviour.Expired ? TimeSpan.FromHours(2) : TimeSpan.Zero;
        await Task.CompletedTask;
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The login page: a form that comes back to the authorization endpoint with the request and a user name.</summary>
    private static string LoginPage(OpenIddictRequest request)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><head><title>Test provider</title></head><body><h1>Test provider sign-in</h1><form method=\"get\" action=\"/connect/authorize\">");
        foreach (var (key, value) in request.GetParameters())
        {
            html.Append("<input type=\"hidden\" name=\"").Append(HtmlEncoder.Default.Encode(key)).Append("\" value=\"")
                .Append(HtmlEncoder.Default.Encode((string?)value ?? string.Empty)).Append("\">");
        }

        html.Append("<label for=\"test_user\">User</label><input id=\"test_user\" name=\"test_user\"><button id=\"login\" type=\"submit\">Sign in</button></form></body></html>");
        return html.ToString();
    }

    /// <summary>In <see cref="Behaviour.TamperIdToken"/>: rewrites the ID token's payload on its way out, keeping the signature.</summary>
    private async Task TamperAsync(HttpContext http, RequestDelegate next)
    {
        if (Mode != Behaviour.TamperIdToken || !http.Request.Path.StartsWithSegments("/connect/token"))
        {
            await next(http);
            return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        await next(http);
        http.Response.Body = original;
        var body = JsonNode.Parse(buffer.ToArray())!.AsObject();
        if (body["id_token"]?.GetValue<string>() is { } token)
        {
            var parts = token.Split('.');
            var payload = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!.AsObject();
            payload["sub"] = "someone-else";
            payload["roles"] = AdminRole;
            parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString());
            body["id_token"] = string.Join('.', parts);
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        http.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>The provider's clock: the real one, or <see cref="Behind"/> it.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Behind { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - Behind;
    }
}
