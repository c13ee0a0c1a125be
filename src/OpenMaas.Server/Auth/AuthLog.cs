using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Auth;

/// <summary>Log events of authentication (event ids 2000–2099). Never log a token or a password.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Access token refused: {Status}")]
    public static partial void TokenRejected(ILogger logger, TokenStatus status);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "No accounts found: created the admin account '{Name}'")]
    public static partial void AdminCreated(ILogger logger, string name);
}
