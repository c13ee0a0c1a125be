using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Core.Quota;

/// <summary>Turns what an admin typed (a user name, a model id, a token id or prefix, an organisation id or name) into a
/// <see cref="LimitScope"/>; the CLI and the admin API share it.</summary>
public sealed class LimitScopeResolver(IAccountService accounts, ITokenService tokens, IOrganizationNames organizations)
{
    /// <summary>The scope, or an error: <paramref name="NotFound"/> when a name is unknown, else the combination or a
    /// model id is invalid.</summary>
    public sealed record Result(LimitScope Scope, string? Error, bool NotFound = false);

    public async Task<Result> ResolveAsync(string? user, string? model, string? token, string? organization, CancellationToken ct)
    {
        if (model is not null && !ModelId.IsValid(model))
        {
            return new Result(default, $"'{model}' is not a model id (OWNER/NAME).");
        }

        // The combination first (placeholder ids): a scope that means nothing is refused before any lookup.
        if (new LimitScope(user is null ? null : 0, model, token is null ? null : 0, organization is null ? null : 0).Kind is null)
        {
            return new Result(default, LimitScope.Combinations);
        }

        long? userId = null, tokenId = null, orgId = null;
        if (user is not null && (userId = (await accounts.FindAsync(user, ct))?.Id) is null)
        {
            return new Result(default, $"No user '{user}'.", NotFound: true);
        }

        if (token is not null)
        {
            var found = await tokens.FindAsync(token, ct);
            if (found.Count != 1)
            {
                return new Result(default, found.Count == 0 ? $"No token '{token}'." : $"'{token}' names {found.Count} tokens: give the id.", NotFound: found.Count == 0);
            }

            tokenId = found[0].Id;
        }

        if (organization is not null && (orgId = await organizations.FindAsync(organization, ct)) is null)
        {
            return new Result(default, $"No organisation '{organization}'.", NotFound: true);
        }

        return new Result(new LimitScope(userId, model, tokenId, orgId), null);
    }
}
