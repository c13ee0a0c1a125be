namespace OpenMaas.Server.Auth;

/// <summary>Which paths are the console's browser pages (a signed-out visitor is sent to sign in, errors are pages);
/// everything else is an API that answers in its own error shape.</summary>
internal static class ServerPaths
{
    public static bool IsConsolePage(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/v1") && !path.StartsWithSegments("/console") && !path.StartsWithSegments("/api-inference")
        && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics");
}
