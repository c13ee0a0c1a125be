using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Settings;

namespace OpenMaas.Server.WebConsole.Pages.Admin;

/// <summary>The default daily limit (a limit row with no user and no model) and whether sign-up is open.</summary>
internal sealed class AdminSettingsModel(IStringLocalizer<ConsoleText> text, IQuotaLimits limits, ISiteSettings settings, IOptions<QuotaOptions> quota)
    : ConsolePageModel(text)
{
    public int DailyCalls { get; private set; }

    public bool SignUpOpen { get; private set; }

    public string TimeZone => quota.Value.TimeZone;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await limits.ListAsync(ct);
        DailyCalls = all.FirstOrDefault(l => l.Scope.Kind == LimitScopeKind.Default)?.DailyCalls ?? quota.Value.DailyCalls;
        SignUpOpen = await settings.IsSignUpOpenAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(int? dailyCalls, bool signUpOpen, CancellationToken ct)
    {
        if (dailyCalls is not >= 0)
        {
            return BadRequest();
        }

        await limits.SetAsync(null, null, dailyCalls.Value, ct);
        await settings.SetSignUpOpenAsync(signUpOpen, ct);
        Notice(L["Settings saved."]);
        return Redirect("/admin/settings");
    }
}
