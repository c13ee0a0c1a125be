using Microsoft.Extensions.Logging;

namespace OpenMaas.Core.Organizations;

/// <summary>Log events of organisations and their members (event ids 6000–6099).</summary>
internal static partial class OrganizationLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Organisation {Organization} ({OrganizationId}) created")]
    public static partial void Created(ILogger logger, string organization, long organizationId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Organisation {OrganizationId}: user {UserId} added as {Role}")]
    public static partial void MemberAdded(ILogger logger, long organizationId, long userId, string role);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Organisation {OrganizationId}: user {UserId} is now {Role}")]
    public static partial void RoleChanged(ILogger logger, long organizationId, long userId, string role);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Organisation {OrganizationId}: user {UserId} removed; {Revoked} of the organisation's tokens made for them revoked")]
    public static partial void MemberRemoved(ILogger logger, long organizationId, long userId, int revoked);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Organisation {Organization} ({OrganizationId}) deleted with {Members} memberships and {Tokens} tokens")]
    public static partial void Deleted(ILogger logger, string organization, long organizationId, int members, int tokens);
}
