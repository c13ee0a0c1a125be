namespace OpenMaas.Core.Accounts;

/// <summary>Keeps an account's organisation memberships in step with what its single sign-on provider says (the
/// provider's <c>OrganizationClaim</c> values), at every sign-in. The default does nothing; the organisations feature
/// replaces it with one over its tables.</summary>
public interface IExternalMembership
{
    Task SyncAsync(long userId, IReadOnlyCollection<string> organisations, CancellationToken ct);
}

internal sealed class NoExternalMembership : IExternalMembership
{
    public Task SyncAsync(long userId, IReadOnlyCollection<string> organisations, CancellationToken ct) => Task.CompletedTask;
}
