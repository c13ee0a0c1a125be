using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.WebConsole.Services;

namespace OpenMaas.Server.WebConsole.Pages.Account;

/// <summary>The caller's tokens (admins: anyone's, or everyone's with <c>?user=*</c>) with each one's scope and today's
/// use; create (shown once on the next page), scope and revoke.</summary>
internal sealed class TokensModel(
    IStringLocalizer<ConsoleText> text, ITokenService tokens, IAccountService accounts, TokenReveal reveal, TimeProvider clock) : ConsolePageModel(text)
{
    public IReadOnlyList<TokenInfo> Tokens { get; private set; } = [];

    public IReadOnlyList<string> Users { get; private set; } = [];

    public string? UserFilter { get; private set; }

    public bool ShowOwner => UserFilter is { Length: > 0 };

    /// <summary>Why the last form was refused (shown on the page, with status 400).</summary>
    public string? Error { get; private set; }

    /// <summary>The token whose scope form was refused (it opens again with what was typed).</summary>
    public long? ScopeFormFor { get; private set; }

    /// <summary>What was typed into the refused form: models and daily cap.</summary>
    public (string? Models, string? DailyCalls) Typed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? user, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        return await LoadAsync(user, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? description, int? expiresDays, string? models, string? dailyCalls, CancellationToken ct)
    {
        if ((TokenRules.ParseScope(models, dailyCalls, out var scope) ?? TokenRules.CheckNew(description, expiresDays, scope)) is { } refused)
        {
            Typed = (models, dailyCalls);
            return await FailAsync(Say(refused), null, ct);
        }

        var created = await tokens.CreateAsync(CallerId!.Value, description, expiresDays, scope, ct);
        var key = reveal.Put(CallerId.Value, created.Info.Id, created.Text);
        return Redirect($"/account/tokens/new/{key}");
    }

    public async Task<IActionResult> OnPostScopeAsync(long id, string? models, string? dailyCalls, string? user, CancellationToken ct)
    {
        var token = await tokens.FindAsync(id, ct);
        if (token is null || (token.UserId != CallerId && !CallerIsAdmin))
        {
            return NotFound();
        }

        if (token.OrganizationId is not null && !CallerIsAdmin)
        {
            return Forbid(); // an organisation's token keeps the scope its admins gave it
        }

        if (TokenRules.ParseScope(models, dailyCalls, out var scope) is { } refused)
        {
            ScopeFormFor = id;
            Typed = (models, dailyCalls);
            return await FailAsync(Say(refused), user, ct);
        }

        await tokens.SetScopeAsync(id, scope, ct);
        Notice(L["Scope of token {0}… saved.", token.Prefix]);
        return Redirect(Back(user));
    }

    /// <summary>A new text for the token (shown once on the next page); the old one works for the grace period.</summary>
    public async Task<IActionResult> OnPostRotateAsync(long id, int? graceMinutes, string? user, CancellationToken ct)
    {
        var token = await tokens.FindAsync(id, ct);
        if (token is null || (token.UserId != CallerId && !CallerIsAdmin))
        {
            return NotFound();
        }

        if (TokenRules.CheckGraceMinutes(graceMinutes) is { } refused)
        {
            return await FailAsync(Say(refused), user, ct);
        }

        try
        {
            var rotated = await tokens.RotateAsync(id, TimeSpan.FromMinutes(graceMinutes ?? 0), ct);
            return rotated is null ? NotFound() : Redirect($"/account/tokens/new/{reveal.Put(CallerId!.Value, id, rotated.Text)}");
        }
        catch (OpenMaas.Core.RuleViolationException e)
        {
            return await FailAsync(Say(e.Violation), user, ct);
        }
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
        return Redirect(Back(user));
    }

    public string StateOf(TokenInfo t) =>
        t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e && e <= clock.GetUtcNow() ? "expired" : "active";

    public string Date(DateTimeOffset? at) => at is { } a ? a.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>The scope's models as the form shows them: comma-separated, empty for every model.</summary>
    public static string ModelsText(TokenScope scope) => string.Join(", ", scope.Models);

    private async Task<IActionResult> FailAsync(string message, string? user, CancellationToken ct)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Response.Headers.CacheControl = "no-store";
        return await LoadAsync(user, ct) ?? Page();
    }

    /// <summary>Loads whose tokens the page lists; a result when the caller may not see them.</summary>
    private async Task<IActionResult?> LoadAsync(string? user, CancellationToken ct)
    {
        if (user is { Length: > 0 } && !CallerIsAdmin && user != User.Identity?.Name)
        {
            return Forbid();
        }

        long? whose = CallerId;
        if (CallerIsAdmin)
        {
            Users = [.. (await accounts.ListAsync(ct)).Select(u => u.Name)];
        }

        if (user is { Length: > 0 } && CallerIsAdmin && user != User.Identity?.Name)
        {
            UserFilter = user;
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

        Tokens = await tokens.ListAsync(whose, ct);
        return null;
    }

    private static string Back(string? user) => user is { Length: > 0 } ? $"/account/tokens?user={Uri.EscapeDataString(user)}" : "/account/tokens";
}
