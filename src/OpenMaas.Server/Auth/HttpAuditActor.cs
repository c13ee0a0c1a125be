using OpenMaas.Core.Audit;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Auth;

/// <summary>The audit log's actor in the server: the request's signed-in user (session or access token) and client
/// address. <see cref="AuditRequestMiddleware"/> makes the request current for the console, <c>/api/v1</c> and the
/// hub routes (not for /v1 inference calls, which record nothing); outside a request it is the system.</summary>
internal sealed class HttpAuditActor : IAuditActor
{
    private static readonly AsyncLocal<HttpContext?> Request = new();

    public AuditActor Current => Request.Value is { } http ? Of(http) : AuditActor.System;

    public static void Enter(HttpContext http) => Request.Value = http;

    private static AuditActor Of(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;
        return http.User.UserId() is { } id
            ? new AuditActor(id, http.User.Identity?.Name ?? id.ToString(System.Globalization.CultureInfo.InvariantCulture), address)
            : new AuditActor(null, "anonymous", address);
    }
}

/// <summary>Makes the request the audit log's current actor (after authentication, so the user is known).</summary>
internal sealed class AuditRequestMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        HttpAuditActor.Enter(http);
        return next(http);
    }
}
