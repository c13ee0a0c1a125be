using OpenMaas.Core.Organizations;

namespace OpenMaas.Core.Quota;

/// <summary>Finds an organisation's numeric id from what an admin typed (an id or a name), for limits on organisations.</summary>
public interface IOrganizationNames
{
    Task<long?> FindAsync(string idOrName, CancellationToken ct);
}

/// <summary>Organisations by id or name, from the organisations table.</summary>
internal sealed class OrganizationNames(IOrganizationService organizations) : IOrganizationNames
{
    public async Task<long?> FindAsync(string idOrName, CancellationToken ct) => (await organizations.FindAsync(idOrName, ct))?.Id;
}
