using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Accounts;

internal sealed class ExternalAccounts(
    IDbContextFactory<OpenMaasDbContext> factory,
    IAccountService accounts,
    IExternalMembership membership,
    IAuditLog audit,
    TimeProvider clock) : IExternalAccounts
{
    private const int MaxNameTries = 100;

    public async Task<ExternalSignIn> SignInAsync(ExternalIdentity identity, bool createAccounts, CancellationToken ct = default)
    {
        var issuer = ExternalLogin.NormalizeIssuer(identity.Issuer);
        var method = new { Method = "oidc", identity.Provider, Subject = identity.Subject };
        await using var db = await factory.CreateDbContextAsync(ct);
        var login = await db.Set<ExternalLogin>().Include(l => l.User).FirstOrDefaultAsync(l => l.Issuer == issuer && l.Subject == identity.Subject, ct);
        var created = false;
        if (login is null)
        {
            if (!createAccounts)
            {
                await FailedAsync(identity, "not linked", ct);
                return new ExternalSignIn(ExternalSignInStatus.NotLinked);
            }

            var user = await CreateAccountAsync(identity, ct);
            login = new ExternalLogin { UserId = user.Id, Provider = identity.Provider, Issuer = issuer, Subject = identity.Subject, CreatedAt = clock.GetUtcNow() };
            db.Add(login);
            await db.SaveChangesAsync(ct);
            login.User = user;
            created = true;
            await audit.RecordAsync(new AuditEntry(AuditActions.UserCreateSso, AuditActions.Targets.User, user.Name)
            {
                ActorId = user.Id,
                ActorName = user.Name,
                After = AuditJson.Of(new { user.Id, user.Name, user.Role, identity.Provider, Issuer = issuer, identity.Subject }),
            }, ct);
        }

        var account = login.User!;
        if (!account.Enabled)
        {
            await FailedAsync(identity, "account disabled", ct);
            return new ExternalSignIn(ExternalSignInStatus.Disabled, account);
        }

        login.LastSignInAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        if (identity.Admin is { } admin && admin != account.IsAdmin)
        {
            // The provider decides the role when it has an admin claim (recorded as a role change by the account service).
            await accounts.SetAdminAsync(account.Name, admin, ct);
            account = (await accounts.FindAsync(account.Id, ct))!;
        }

        await membership.SyncAsync(account.Id, identity.Organizations, ct);
        await audit.RecordAsync(new AuditEntry(AuditActions.SignIn, AuditActions.Targets.User, account.Name)
        {
            ActorId = account.Id,
            ActorName = account.Name,
            After = AuditJson.Of(method),
        }, ct);
        return new ExternalSignIn(ExternalSignInStatus.Ok, account, created);
    }

    public async Task<bool> LinkAsync(string userName, string provider, string issuer, string subject, CancellationToken ct = default)
    {
        var user = await accounts.FindAsync(userName, ct);
        if (user is null)
        {
            return false;
        }

        issuer = ExternalLogin.NormalizeIssuer(issuer);
        await using var db = await factory.CreateDbContextAsync(ct);
        var existing = await db.Set<ExternalLogin>().FirstOrDefaultAsync(l => l.Issuer == issuer && l.Subject == subject, ct);
        if (existing is not null && existing.UserId != user.Id)
        {
            throw new RuleViolationException(new RuleViolation("subject", "The subject '{0}' of {1} is already linked to another account.", subject, provider));
        }

        if (existing is null)
        {
            db.Add(new ExternalLogin { UserId = user.Id, Provider = provider, Issuer = issuer, Subject = subject, CreatedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(new AuditEntry(AuditActions.UserLinkSso, AuditActions.Targets.User, user.Name)
            {
                After = AuditJson.Of(new { Provider = provider, Issuer = issuer, Subject = subject }),
            }, ct);
        }

        return true;
    }

    private ValueTask FailedAsync(ExternalIdentity identity, string reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(AuditActions.SignInFailed, AuditActions.Targets.User, identity.PreferredName ?? identity.Subject)
        {
            ActorName = identity.PreferredName ?? identity.Subject,
            After = AuditJson.Of(new { Method = "oidc", identity.Provider, identity.Subject, Reason = reason }),
        }, ct);

    /// <summary>A new account without a password, named after what the provider suggests (made valid and unique).</summary>
    private async Task<UserAccount> CreateAccountAsync(ExternalIdentity identity, CancellationToken ct)
    {
        var stem = NameStem(identity.PreferredName);
        for (var i = 1; i <= MaxNameTries; i++)
        {
            var name = i == 1 ? stem : $"{stem}-{i}";
            // Recorded by the account service as user.create; the sign-in records user.create.sso beside it.
            if (await accounts.CreateAsync(name, null, identity.Admin == true, ct) is { } user)
            {
                return user;
            }
        }

        throw new InvalidOperationException($"No free account name for '{stem}' after {MaxNameTries} tries.");
    }

    /// <summary>The suggested name (the part before '@' of an e-mail) in the characters account names allow.</summary>
    internal static string NameStem(string? suggested)
    {
        var text = suggested is { Length: > 0 } s ? (s.Contains('@', StringComparison.Ordinal) ? s[..s.IndexOf('@', StringComparison.Ordinal)] : s) : "user";
        var name = new StringBuilder();
        foreach (var c in text)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-');
        }

        var result = name.ToString().TrimStart('_', '.', '-');
        result = result.Length > 56 ? result[..56] : result;
        return UserName.IsValid(result) ? result : "user";
    }
}
