using OpenMaas.Server.Pipeline;
using System.Globalization;
using OpenMaas.Server.Auth;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>Who a download counts for.</summary>
internal static class LibraryCaller
{
    /// <summary>The download counter's key: the user, or the client address for a caller without an account.</summary>
    public static string DownloadSubject(HttpContext http) =>
        http.User.UserId() is { } id ? $"user:{id.ToString(CultureInfo.InvariantCulture)}" : $"anon:{http.Connection.RemoteIpAddress}";
}
