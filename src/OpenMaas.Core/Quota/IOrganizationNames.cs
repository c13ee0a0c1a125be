using System.Globalization;

namespace OpenMaas.Core.Quota;

/// <summary>Finds an organisation's numeric id from what an admin typed (an id or a name), for limits on organisations.
/// The default accepts numeric ids only; the organisations feature replaces it with one over its table.</summary>
public interface IOrganizationNames
{
    Task<long?> FindAsync(string idOrName, CancellationToken ct);
}

/// <summary>The default <see cref="IOrganizationNames"/>: a positive number is the id; a name is not known.</summary>
internal sealed class NumericOrganizationNames : IOrganizationNames
{
    public Task<long?> FindAsync(string idOrName, CancellationToken ct) =>
        Task.FromResult<long?>(long.TryParse(idOrName, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null);
}
