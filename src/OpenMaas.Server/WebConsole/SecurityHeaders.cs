namespace OpenMaas.Server.WebConsole;

/// <summary>Headers every response carries: no inline script or style, no framing, no MIME sniffing, no referrer
/// beyond this origin.</summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The policy with <c>form-action</c> also allowing <paramref name="origins"/>: the sign-in page's single
    /// sign-on buttons post to the console, which redirects to the provider, and browsers hold that redirect to the
    /// form's policy.</summary>
    public static string AllowingFormsTo(IEnumerable<string> origins) =>
        ContentSecurityPolicy.Replace("form-action 'self'", string.Join(' ', origins.Prepend("form-action 'self'")), StringComparison.Ordinal);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        return next(context);
    });
}
