namespace OpenMaas.Core.Audit;

/// <summary>Who does what the audit log records: an account (id + name), or <c>cli</c> / <c>system</c>; and from which
/// address.</summary>
public sealed record AuditActor(long? UserId, string Name, string? Address)
{
    public static readonly AuditActor System = new(null, "system", null);

    public static readonly AuditActor Cli = new(null, "cli", null);
}

/// <summary>The caller of the moment: the server's signed-in user (or token) and client address, the command line, or
/// the system (startup jobs). Each front end registers its own; the default is <see cref="AuditActor.System"/>.</summary>
public interface IAuditActor
{
    AuditActor Current { get; }
}

internal sealed class FixedAuditActor(AuditActor actor) : IAuditActor
{
    public AuditActor Current => actor;
}
