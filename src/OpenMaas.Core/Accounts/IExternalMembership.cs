namespace OpenMaas.Core.Accounts;

/// <summary>Keeps an account's organisation memberships in step with what its single sign-on provider says (the
/// provider's <c>OrganizationClaim</c> values), at every sign-in (<see cref="Organizations.OrganizationMembershipSync"/>: joins the named
/// organisations that exist).</summary>
public interface IExternalMembership
{
    Task SyncAsync(long userId, IReadOnlyCollection<string> organisations, CancellationToken ct);
}
