using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;

namespace OpenMaas.Server.WebConsole.Pages.Admin;

/// <summary>Accounts: create, disable/enable, reset a password, set a daily limit, make admin. An admin cannot disable
/// or demote themself (so the last admin stays).</summary>
internal sealed class AdminUsersModel(IStringLocalizer<ConsoleText> text, IAccountService accounts, IQuotaLimits limits, IOptions<QuotaOptions> quota)
    : ConsolePageModel(text)
{
    public IReadOnlyList<UserAccount> Users { get; private set; } = [];

    public int DefaultLimit { get; private set; }

    public string? Error { get; private set; }

    private IReadOnlyList<QuotaLimit> _limits = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public int LimitOf(long userId) => RowOf(userId)?.DailyCalls ?? DefaultLimit;

    /// <summary>The user's own requests and tokens per minute (null: the default's, or none).</summary>
    public (int? Rpm, int? Tpm) PerMinuteOf(long userId) => (RowOf(userId)?.RequestsPerMinute, RowOf(userId)?.TokensPerMinute);

    private QuotaLimit? RowOf(long userId) => _limits.FirstOrDefault(l => l.UserId == userId && l.Scope.Kind == LimitScopeKind.User);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? password, bool admin, CancellationToken ct)
    {
        if ((AccountRules.CheckName(name) ?? AccountRules.CheckPassword(password)) is { } refused)
        {
            return await FailAsync(Say(refused), ct);
        }

        if (await accounts.CreateAsync(name!, password!, admin, ct) is null)
        {
            return await FailAsync(L["That user name is taken."], ct);
        }

        return Done(L["User {0} created.", name!]);
    }

    public async Task<IActionResult> OnPostEnableAsync(string name, bool enabled, CancellationToken ct)
    {
        if (name == User.Identity?.Name)
        {
            return BadRequest();
        }

        return await accounts.SetEnabledAsync(name, enabled, ct) ? Done(enabled ? L["{0} enabled.", name] : L["{0} disabled.", name]) : NotFound();
    }

    public async Task<IActionResult> OnPostAdminAsync(string name, bool admin, CancellationToken ct)
    {
        if (name == User.Identity?.Name)
        {
            return BadRequest();
        }

        return await accounts.SetAdminAsync(name, admin, ct) ? Done(L["Role of {0} changed.", name]) : NotFound();
    }

    public async Task<IActionResult> OnPostPasswordAsync(string name, string? password, CancellationToken ct)
    {
        if (AccountRules.CheckPassword(password) is { } refused)
        {
            return await FailAsync(Say(refused), ct);
        }

        return await accounts.SetPasswordAsync(name, password!, ct) ? Done(L["Password of {0} reset.", name]) : NotFound();
    }

    public async Task<IActionResult> OnPostLimitAsync(string name, int? dailyCalls, int? rpm, int? tpm, CancellationToken ct)
    {
        if (dailyCalls is not >= 0 || rpm < 0 || tpm < 0)
        {
            return await FailAsync(L["The daily limit must be a whole number, 0 or more."], ct);
        }

        if (await accounts.FindAsync(name, ct) is not { } user)
        {
            return NotFound();
        }

        // An empty RPM or TPM field removes the user's own per-minute limit.
        await limits.SetAsync(new LimitScope(user.Id), new LimitValues(dailyCalls.Value, rpm ?? LimitValues.Clear, tpm ?? LimitValues.Clear), ct);
        return Done(L["Daily limit of {0} set to {1}.", name, dailyCalls.Value]);
    }

    private IActionResult Done(string message)
    {
        Notice(message);
        return Redirect("/admin/users");
    }

    private async Task<IActionResult> FailAsync(string message, CancellationToken ct)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Users = await accounts.ListAsync(ct);
        _limits = await limits.ListAsync(ct);
        DefaultLimit = _limits.FirstOrDefault(l => l.Scope.Kind == LimitScopeKind.Default)?.DailyCalls ?? quota.Value.DailyCalls;
    }
}
