using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Auth;

/// <summary>Log events of authentication (event ids 2000–2099). Never log a token or a password.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Access token refused: {Status}")]
    public static partial void TokenRejected(ILogger logger, TokenStatus status);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "No accounts found: created the admin account '{Name}'")]
    public static partial void AdminCreated(ILogger logger, string name);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Single sign-on through {Provider} created the account '{Name}'")]
    public static partial void SsoAccountCreated(ILogger logger, string provider, string name);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Single sign-on through {Provider} failed: {Reason}")]
    public static partial void SsoFailed(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Single sign-on through {Provider} refused: {Reason}")]
    public static partial void SsoRefused(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Removing audit log rows past their retention failed")]
    public static partial void AuditRetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Removed {Count} audit log rows past their retention")]
    public static partial void AuditRemoved(ILogger logger, int count);
}
