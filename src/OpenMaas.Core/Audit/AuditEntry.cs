namespace OpenMaas.Core.Audit;

/// <summary>One administrative or security event for the audit log: what happened (<see cref="Action"/>, e.g.
/// <c>token.create</c>; <see cref="AuditActions"/>) to what (<see cref="TargetKind"/> + <see cref="TargetId"/>), and the
/// state before and after as JSON where it applies. Who and from where default to the current caller
/// (<see cref="IAuditActor"/>); the time is the log's clock. Never put a secret (token text, password) in an entry.</summary>
public sealed record AuditEntry(string Action, string? TargetKind = null, string? TargetId = null)
{
    /// <summary>The acting account; null with <see cref="ActorName"/> null: the current caller.</summary>
    public long? ActorId { get; init; }

    /// <summary>The acting account's name, <c>cli</c>, <c>system</c>, or the name tried at a failed sign-in.</summary>
    public string? ActorName { get; init; }

    /// <summary>The client's address; null: the current caller's.</summary>
    public string? Address { get; init; }

    /// <summary>The target's state before the change, as JSON (<see cref="AuditJson"/>).</summary>
    public string? Before { get; init; }

    /// <summary>The target's state after the change (or the event's details), as JSON.</summary>
    public string? After { get; init; }
}
