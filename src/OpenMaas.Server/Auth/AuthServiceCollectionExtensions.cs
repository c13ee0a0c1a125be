using OpenMaas.Server.Pipeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Hosting;

namespace OpenMaas.Server.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>Access tokens (<c>Bearer ms-…</c>) and the console's session cookie, their policies, and the
    /// first-start admin account. Cookie keys live in the data folder so sessions survive restarts.</summary>
    public static WebApplicationBuilder AddOpenMaasAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var dataPath = builder.Configuration[$"{DataOptions.Section}:{nameof(DataOptions.Path)}"] ?? new DataOptions().Path;
        DataFolderPermissions.Secure(Path.GetFullPath(dataPath));
        services.AddDataProtection().SetApplicationName("OpenMaaS")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(dataPath), "keys")));
        services.AddProblemDetails();

        services.AddAuthentication(AuthNames.TokenOrSessionScheme)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenHandler>(AuthNames.TokenScheme, null)
            .AddCookie(AuthNames.SessionScheme, o =>
            {
                o.Cookie.Name = "openmaas_session";
                o.Cookie.HttpOnly = true;
                // Lax: a link from elsewhere opens the console signed in; every form post also needs the antiforgery token.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/forbidden";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnRedirectToLogin = ctx => IsConsolePage(ctx.Request)
                    ? Redirect(ctx)
                    : Problem(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Sign in first: POST /api/v1/auth/login, or send an access token.");
                // Console pages answer 403 with the console's own page (status code pages re-execute /forbidden).
                o.Events.OnRedirectToAccessDenied = ctx => IsConsolePage(ctx.Request)
                    ? Status(ctx.HttpContext, StatusCodes.Status403Forbidden)
                    : Problem(ctx.HttpContext, StatusCodes.Status403Forbidden, "Only admins may do this.");
                o.Events.OnValidatePrincipal = RejectDisabledAccountsAsync;
            })
            .AddPolicyScheme(AuthNames.TokenOrSessionScheme, "Access token or session", o =>
                o.ForwardDefaultSelector = ctx => ctx.Request.Headers.Authorization.Count > 0 || AccessTokenHandler.HubSessionToken(ctx.Request) is not null
                    ? AuthNames.TokenScheme
                    : AuthNames.SessionScheme)
            .AddOpenMaasOidc(builder.Configuration);
        services.AddOptions<CookieAuthenticationOptions>(AuthNames.SessionScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = TimeSpan.FromHours(auth.Value.SessionHours));

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthNames.InferencePolicy, p => p.AddAuthenticationSchemes(AuthNames.TokenScheme).RequireAuthenticatedUser())
            .AddPolicy(AuthNames.ConsolePolicy, p => p.AddAuthenticationSchemes(AuthNames.TokenOrSessionScheme).RequireAuthenticatedUser());
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<OrganizationActions>();
        services.AddHostedService<AdminBootstrapper>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        return builder;
    }

    /// <summary>/v1 needs an access token unless <c>Auth:Enabled</c> is false.</summary>
    public static TBuilder RequireAccessToken<TBuilder>(this TBuilder builder, IServiceProvider services)
        where TBuilder : IEndpointConventionBuilder =>
        services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled ? builder.RequireAuthorization(AuthNames.InferencePolicy) : builder;

    private static bool IsConsolePage(HttpRequest request) => ServerPaths.IsConsolePage(request.Path);

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static Task Problem(HttpContext context, int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status).ExecuteAsync(context);

    private static async Task RejectDisabledAccountsAsync(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<IAccountService>();
        if (context.Principal?.UserId() is not { } id || await accounts.FindAsync(id, context.HttpContext.RequestAborted) is not { Enabled: true })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthNames.SessionScheme);
        }
    }
}
