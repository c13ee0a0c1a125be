using System.Globalization;
using System.Security.Claims;

namespace OpenMaas.Server.Library;

/// <summary>Who calls the library API, from the claims the auth handlers set.</summary>
internal static class LibraryCaller
{
    public const string AdminRole = "admin";

    public static long? UserId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The download counter's key: the user, or the client address for a caller without an account.</summary>
    public static string DownloadSubject(HttpContext http) =>
        UserId(http.User) is { } id ? $"user:{id.ToString(CultureInfo.InvariantCulture)}" : $"anon:{http.Connection.RemoteIpAddress}";
}
