using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Settings;

internal sealed class SiteSettings(IDbContextFactory<OpenMaasDbContext> factory, IAuditLog audit, TimeProvider clock) : ISiteSettings
{
    internal const string SignUpOpenKey = "signup.open";

    public async Task<bool> IsSignUpOpenAsync(CancellationToken ct = default) => await GetAsync(SignUpOpenKey, ct) == "true";

    public Task SetSignUpOpenAsync(bool open, CancellationToken ct = default) => SetAsync(SignUpOpenKey, open ? "true" : "false", ct);

    private async Task<string?> GetAsync(string key, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<SiteSetting>().AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefaultAsync(ct);
    }

    private async Task SetAsync(string key, string value, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var setting = await db.Set<SiteSetting>().FirstOrDefaultAsync(s => s.Key == key, ct);
        var before = setting?.Value;
        if (setting is null)
        {
            db.Add(new SiteSetting { Key = key, Value = value, UpdatedAt = clock.GetUtcNow() });
        }
        else
        {
            setting.Value = value;
            setting.UpdatedAt = clock.GetUtcNow();
        }

        await db.SaveChangesAsync(ct);
        if (before != value)
        {
            await audit.RecordAsync(new AuditEntry(AuditActions.SettingsChange, AuditActions.Targets.Setting, key)
            {
                Before = before is null ? null : AuditJson.Of(new { Value = before }),
                After = AuditJson.Of(new { Value = value }),
            }, ct);
        }
    }
}
