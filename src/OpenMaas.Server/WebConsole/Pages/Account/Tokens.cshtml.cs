using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Account;

/// <summary>The caller's tokens (admins: anyone's, or everyone's with <c>?user=*</c>); create (shown once on the
/// next page) and revoke.</summary>
internal sealed class TokensModel(
    IStringLocalizer<ConsoleText> text, ITokenService tokens, IAccountService accounts, TokenReveal reveal, TimeProvider clock) : ConsolePageModel(text)
{
    public IReadOnlyList<TokenInfo> Tokens { get; private set; } = [];

    public IReadOnlyList<string> Users { get; private set; } = [];

    public string? UserFilter { get; private set; }

    public bool ShowOwner => UserFilter is { Length: > 0 };

    public async Task<IActionResult> OnGetAsync(string? user, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (user is { Length: > 0 } && !CallerIsAdmin && user != User.Identity?.Name)
        {
            return Forbid();
        }

        long? whose = CallerId;
        if (user is { Length: > 0 } && CallerIsAdmin && user != User.Identity?.Name)
        {
            UserFilter = user;
            Users = [.. (await accounts.ListAsync(ct)).Select(u => u.Name)];
            if (user == "*")
            {
                whose = null;
            }
            else if (await accounts.FindAsync(user, ct) is { } target)
            {
                whose = target.Id;
            }
            else
            {
                return NotFound();
            }
        }
        else if (CallerIsAdmin)
        {
            Users = [.. (await accounts.ListAsync(ct)).Select(u => u.Name)];
        }

        Tokens = await tokens.ListAsync(whose, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? description, int? expiresDays, CancellationToken ct)
    {
        description = description?.Trim();
        if (expiresDays is <= 0 or > 3650 || description is { Length: > 200 })
        {
            return BadRequest();
        }

        var created = await tokens.CreateAsync(CallerId!.Value, description, expiresDays, ct);
        var key = reveal.Put(CallerId.Value, created.Info.Id, created.Text);
        return Redirect($"/account/tokens/new/{key}");
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, string? user, CancellationToken ct)
    {
        var token = await tokens.FindAsync(id, ct);
        if (token is null || (token.UserId != CallerId && !CallerIsAdmin))
        {
            return NotFound();
        }

        await tokens.RevokeAsync(id, ct);
        Notice(L["Token {0}… revoked.", token.Prefix]);
        return Redirect(user is { Length: > 0 } ? $"/account/tokens?user={Uri.EscapeDataString(user)}" : "/account/tokens");
    }

    public string StateOf(TokenInfo t) =>
        t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e && e <= clock.GetUtcNow() ? "expired" : "active";

    public string Date(DateTimeOffset? at) => at is { } a ? a.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";
}
