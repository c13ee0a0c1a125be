using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using OpenMaas.Core.Accounts;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Protocols.ModelScope;
using OpenMaas.Server.Runtimes.Images;
using OpenMaas.Server.Runtimes.TextGeneration;
using OpenMaas.Server.WebConsole.Playground;
using OpenMaas.Server.WebConsole.Services;

using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.WebConsole;

/// <summary>The web console: server-rendered Razor Pages on the same host, in English and Simplified Chinese.</summary>
internal static class ConsoleServiceCollectionExtensions
{
    /// <summary>The console's JSON endpoints (the playground).</summary>
    public const string PlaygroundPath = "/console";

    public static IServiceCollection AddOpenMaasConsole(this IServiceCollection services)
    {
        services.AddLocalization();
        // Chinese text as text, not as &#x…; entities (a third of the page size).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/WebConsole/Pages";
            o.Conventions.AuthorizeFolder("/Account", ConsolePolicies.SignedIn);
            o.Conventions.AuthorizeFolder("/Orgs", ConsolePolicies.SignedIn);
            o.Conventions.AuthorizeFolder("/Admin", ConsolePolicies.Admin);
        }).AddApplicationPart(typeof(ConsoleText).Assembly); // also when the host's entry assembly is another (tests)
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "openmaas_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__csrf";
            o.HeaderName = "X-CSRF-Token";
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsolePolicies.SignedIn, p => p.AddAuthenticationSchemes(AuthNames.SessionScheme).RequireAuthenticatedUser())
            .AddPolicy(ConsolePolicies.Admin, p => p.AddAuthenticationSchemes(AuthNames.SessionScheme).RequireRole(UserRoles.Admin));
        services.AddSingleton<TokenReveal>();
        services.AddSingleton<RecentCalls>();
        services.AddSingleton<PopularityScores>();
        services.AddSingleton<PlaygroundAdapter>();
        services.AddSingleton<ConsoleImagesAdapter>();
        return services;
    }

    /// <summary>Headers, language and the console's error pages; before authentication.</summary>
    public static IApplicationBuilder UseOpenMaasConsole(this IApplicationBuilder app)
    {
        app.UseSecurityHeaders();
        // The playground's JSON surface: pipeline errors as ProblemDetails, with a request id.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(PlaygroundPath), b => b.UseMiddleware<CallErrorMiddleware>(ConsoleErrorWriter.Instance));
        app.UseRequestLocalization(ConsoleCultures.Options());
        app.UseConsoleStatusPages();
        app.UseConsoleAssets();
        return app;
    }

    public static IEndpointRouteBuilder MapOpenMaasConsole(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorPages();

        // The playground is one more wire adapter of the call pipeline: the signed-in user's call, counted like any other.
        var console = routes.MapGroup(PlaygroundPath).RequireAuthorization(ConsolePolicies.SignedIn).WithErrorWriter(ConsoleErrorWriter.Instance);
        console.MapInference<PlaygroundAdapter, TextGenerationRequest, PreparedGeneration>("/playground");
        // An image model's prompt box: submitted as an async task, polled like ModelScope's clients poll /v1/tasks.
        console.MapInference<ConsoleImagesAdapter, ImageRequest, PreparedImages>("/images");
        console.MapGet("/tasks/{taskId}", AsyncTaskEndpoints.GetAsync);
        return routes;
    }
}
