using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Accounts;

internal sealed class AccountService(
    IDbContextFactory<OpenMaasDbContext> factory,
    IPasswordHasher<UserAccount> hasher,
    IChangeNotice stamp,
    IAuditLog audit,
    TimeProvider clock) : IAccountService
{
    public Task<UserAccount?> FindAsync(string name, CancellationToken ct = default) =>
        QueryAsync(db => db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name, ct), ct);

    public Task<UserAccount?> FindAsync(long id, CancellationToken ct = default) =>
        QueryAsync(db => db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct), ct);

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct = default) =>
        await QueryAsync(db => db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(ct), ct);

    public Task<bool> AnyAsync(CancellationToken ct = default) => QueryAsync(db => db.Users.AnyAsync(ct), ct);

    public async Task<UserAccount?> CreateAsync(string name, string? password, bool admin, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(AccountRules.CheckName(name) ?? (password is null ? null : AccountRules.CheckPassword(password)));
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(u => u.Name == name, ct))
        {
            return null;
        }

        var user = new UserAccount { Name = name, Role = admin ? UserRoles.Admin : UserRoles.User, CreatedAt = clock.GetUtcNow() };
        if (password is not null)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (await NameTakenAsync(name, ct))
            {
                return null; // created meanwhile by another process (two nodes bootstrapping the admin at once)
            }

            throw;
        }

        await audit.RecordAsync(new AuditEntry(AuditActions.UserCreate, AuditActions.Targets.User, user.Name)
        {
            After = AuditJson.Of(new { user.Id, user.Name, user.Role, Password = password is not null }),
        }, ct);
        return user;
    }

    public async Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var before = await db.Users.AsNoTracking().Where(u => u.Name == name).Select(u => (bool?)u.Enabled).FirstOrDefaultAsync(ct);
        var found = await db.Users.Where(u => u.Name == name).ExecuteUpdateAsync(s => s.SetProperty(u => u.Enabled, enabled), ct) > 0;
        stamp.Bump(); // after the update committed: a running server drops its cached tokens on its next call
        if (found)
        {
            await audit.RecordAsync(new AuditEntry(enabled ? AuditActions.UserEnable : AuditActions.UserDisable, AuditActions.Targets.User, name)
            {
                Before = AuditJson.Of(new { Enabled = before }),
                After = AuditJson.Of(new { Enabled = enabled }),
            }, ct);
        }

        return found;
    }

    public async Task<bool> SetPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(AccountRules.CheckPassword(password));
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name, ct);
        if (user is null)
        {
            return false;
        }

        user.PasswordHash = hasher.HashPassword(user, password);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEntry(AuditActions.UserPassword, AuditActions.Targets.User, name), ct); // never the password
        return true;
    }

    public async Task<bool> SetAdminAsync(string name, bool admin, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var role = admin ? UserRoles.Admin : UserRoles.User;
        var before = await db.Users.AsNoTracking().Where(u => u.Name == name).Select(u => u.Role).FirstOrDefaultAsync(ct);
        var found = await db.Users.Where(u => u.Name == name).ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, role), ct) > 0;
        stamp.Bump();
        if (found)
        {
            await audit.RecordAsync(new AuditEntry(AuditActions.UserRole, AuditActions.Targets.User, name)
            {
                Before = AuditJson.Of(new { Role = before }),
                After = AuditJson.Of(new { Role = role }),
            }, ct);
        }

        return found;
    }

    public async Task<UserAccount?> VerifyPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        var user = await FindAsync(name, ct);
        if (user is not { Enabled: true, PasswordHash: { } hash })
        {
            return null;
        }

        return hasher.VerifyHashedPassword(user, hash, password) == PasswordVerificationResult.Failed ? null : user;
    }

    public async Task<UserAccount?> SignInWithPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        var user = await VerifyPasswordAsync(name, password, ct);
        await audit.RecordAsync(user is null
            ? new AuditEntry(AuditActions.SignInFailed, AuditActions.Targets.User, name) { ActorName = name, After = AuditJson.Of(new { Method = "password" }) }
            : new AuditEntry(AuditActions.SignIn, AuditActions.Targets.User, name) { ActorId = user.Id, ActorName = user.Name, After = AuditJson.Of(new { Method = "password" }) }, ct);
        return user;
    }

    private async Task<bool> NameTakenAsync(string name, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Name == name, ct);
    }

    private async Task<T> QueryAsync<T>(Func<OpenMaasDbContext, Task<T>> query, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await query(db);
    }
}
