using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Tokens;

internal sealed class TokenService(
    IDbContextFactory<OpenMaasDbContext> factory,
    DbConnections reads,
    IChangeNotice stamp,
    IUsageQueries usage,
    QuotaCalendar calendar,
    IAuditLog audit,
    TimeProvider clock) : ITokenService
{
    private readonly StampedCache<(UInt128, UInt128), TokenRow?> _byHash = new(stamp, CacheCapacity);

    /// <summary>Tokens kept in memory between changes; past it the cache starts over.</summary>
    internal const int CacheCapacity = 10_000;

    // The hot path of every authenticated request: one lookup on the unique hash index, on a cache miss.
    private const string ByHash =
        "SELECT t.\"Id\", t.\"UserId\", t.\"ExpiresAt\", t.\"RevokedAt\", u.\"Name\", u.\"Role\", u.\"Enabled\", t.\"Models\", t.\"DailyCalls\", t.\"OrganizationId\", " +
        "t.\"Hash\", t.\"PreviousValidUntil\" " +
        "FROM access_tokens t JOIN users u ON u.\"Id\" = t.\"UserId\" WHERE t.\"Hash\" = @hash OR t.\"PreviousHash\" = @hash";

    public async Task<CreatedToken> CreateAsync(
        long userId, string? description, int? expiresDays, TokenScope scope, long? organizationId, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(TokenRules.CheckNew(description, expiresDays, scope));
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct)
            ?? throw new InvalidOperationException($"No user with id {userId}.");
        var now = clock.GetUtcNow();
        var text = TokenSecret.Generate();
        var token = new AccessToken
        {
            UserId = userId,
            Hash = TokenSecret.Hash(text),
            Prefix = TokenSecret.Prefix(text),
            Description = description?.Trim() ?? string.Empty,
            CreatedAt = now,
            ExpiresAt = expiresDays is { } days ? now.AddDays(days) : null,
            Models = TokenScope.Store(scope.Models),
            DailyCalls = scope.DailyCalls,
            OrganizationId = organizationId,
        };
        db.Tokens.Add(token);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEntry(AuditActions.TokenCreate, AuditActions.Targets.Token, Id(token.Id))
        {
            After = AuditJson.Of(new { token.Id, Owner = user.Name, token.Prefix, token.Description, token.ExpiresAt, Models = scope.Models, scope.DailyCalls }),
        }, ct);
        return new CreatedToken(text, ToInfo(token, user.Name, 0));
    }

    public async Task<bool> SetScopeAsync(long id, TokenScope scope, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(TokenRules.CheckScope(scope));
        await using var db = await factory.CreateDbContextAsync(ct);
        var token = await db.Tokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null)
        {
            return false;
        }

        var before = AuditJson.Of(new { Models = TokenScope.From(token.Models, token.DailyCalls).Models, token.DailyCalls });
        token.Models = TokenScope.Store(scope.Models);
        token.DailyCalls = scope.DailyCalls;
        await db.SaveChangesAsync(ct); // bumps the change stamp: the next call sees the new scope
        await audit.RecordAsync(new AuditEntry(AuditActions.TokenScope, AuditActions.Targets.Token, Id(id))
        {
            Before = before,
            After = AuditJson.Of(new { scope.Models, scope.DailyCalls }),
        }, ct);
        return true;
    }

    public async Task<CreatedToken?> RotateAsync(long id, TimeSpan grace, CancellationToken ct = default)
    {
        RuleViolationException.ThrowIf(TokenRules.CheckGraceMinutes((int)Math.Ceiling(grace.TotalMinutes)));
        await using var db = await factory.CreateDbContextAsync(ct);
        var token = await db.Tokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            throw new RuleViolationException(new RuleViolation("id", "Token {0} is revoked or expired: create a new one instead.", id));
        }

        var before = AuditJson.Of(new { token.Prefix, token.RotatedAt });
        var text = TokenSecret.Generate();
        // Only the text changes: id, owner, scope, caps, expiry and usage history stay the token's.
        token.PreviousHash = grace > TimeSpan.Zero ? token.Hash : null;
        token.PreviousValidUntil = grace > TimeSpan.Zero ? now + grace : null;
        token.Hash = TokenSecret.Hash(text);
        token.Prefix = TokenSecret.Prefix(text);
        token.RotatedAt = now;
        await db.SaveChangesAsync(ct); // bumps the change stamp: every node forgets the old text's cached check
        await audit.RecordAsync(new AuditEntry(AuditActions.TokenRotate, AuditActions.Targets.Token, Id(id))
        {
            Before = before,
            After = AuditJson.Of(new { token.Prefix, token.RotatedAt, GraceMinutes = (int)grace.TotalMinutes, token.PreviousValidUntil }),
        }, ct);
        var used = (await UsedTodayAsync(token.UserId, ct)).GetValueOrDefault(id);
        return new CreatedToken(text, ToInfo(token, token.User!.Name, used));
    }

    public async Task<IReadOnlyList<TokenInfo>> ListAsync(long? userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Tokens.AsNoTracking().Include(t => t.User).AsQueryable();
        if (userId is { } id)
        {
            query = query.Where(t => t.UserId == id);
        }

        var tokens = await query.OrderByDescending(t => t.Id).ToListAsync(ct);
        var used = await UsedTodayAsync(userId, ct);
        return [.. tokens.Select(t => ToInfo(t, t.User!.Name, used.GetValueOrDefault(t.Id)))];
    }

    public async Task<IReadOnlyList<TokenInfo>> ListByOrganizationAsync(long organizationId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tokens = await db.Tokens.AsNoTracking().Include(t => t.User).Where(t => t.OrganizationId == organizationId)
            .OrderByDescending(t => t.Id).ToListAsync(ct);
        var used = tokens.Count == 0 ? [] : await UsedTodayAsync(null, ct);
        return [.. tokens.Select(t => ToInfo(t, t.User!.Name, used.GetValueOrDefault(t.Id)))];
    }

    public async Task<TokenInfo?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var token = await db.Tokens.AsNoTracking().Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        return token is null ? null : ToInfo(token, token.User!.Name, (await UsedTodayAsync(token.UserId, ct)).GetValueOrDefault(id));
    }

    public async Task<IReadOnlyList<TokenInfo>> FindAsync(string idOrPrefix, CancellationToken ct = default)
    {
        if (long.TryParse(idOrPrefix, out var id))
        {
            return await FindAsync(id, ct) is { } byId ? [byId] : [];
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var tokens = await db.Tokens.AsNoTracking().Include(t => t.User).Where(t => t.Prefix == idOrPrefix).ToListAsync(ct);
        var used = tokens.Count == 0 ? [] : await UsedTodayAsync(null, ct);
        return [.. tokens.Select(t => ToInfo(t, t.User!.Name, used.GetValueOrDefault(t.Id)))];
    }

    public async Task<bool> RevokeAsync(long id, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var revoked = await db.Tokens.Where(t => t.Id == id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct) > 0;
        stamp.Bump();
        if (revoked)
        {
            await audit.RecordAsync(new AuditEntry(AuditActions.TokenRevoke, AuditActions.Targets.Token, Id(id)) { After = AuditJson.Of(new { RevokedAt = now }) }, ct);
        }

        return revoked;
    }

    public async Task<TokenCheck> CheckAsync(string text, CancellationToken ct = default)
    {
        if (!TokenSecret.IsWellFormed(text))
        {
            return new TokenCheck(TokenStatus.Malformed);
        }

        var hash = TokenSecret.Hash(text);
        var key = (MemoryMarshal.Read<UInt128>(hash), MemoryMarshal.Read<UInt128>(hash.AsSpan(16)));
        var row = await _byHash.GetOrLoadAsync(key, (this, hash), static (s, _, ct) => s.Item1.ReadAsync(s.hash, ct), ct);
        // Expiry is a matter of the clock, not of the row: checked on every call, cached or not.
        var status = true switch
        {
            _ when row is null => TokenStatus.Unknown,
            _ when row.Revoked => TokenStatus.Revoked,
            _ when row.PreviousUntil is { } until && until <= clock.GetUtcNow() => TokenStatus.Rotated,
            _ when row.ExpiresAt <= clock.GetUtcNow() => TokenStatus.Expired,
            _ when !row.UserEnabled => TokenStatus.UserDisabled,
            _ => TokenStatus.Valid,
        };
        return status == TokenStatus.Valid ? row!.Valid : new TokenCheck(status);
    }

    // Unknown hashes are not kept: anyone can present them, and a token created later must work at once anyway.
    private async Task<(TokenRow? Row, bool Keep)> ReadAsync(byte[] hash, CancellationToken ct)
    {
        await using var connection = await reads.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = ByHash;
        command.Add("@hash", hash);
        await using var row = await command.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct))
        {
            return (null, false);
        }

        var valid = new TokenCheck(TokenStatus.Valid, row.GetInt64(0), row.GetInt64(1), row.GetString(4), row.GetString(5))
        {
            Scope = TokenScope.From(row.IsDBNull(7) ? null : row.GetString(7), row.IsDBNull(8) ? null : row.GetInt32(8)),
            OrganizationId = row.IsDBNull(9) ? null : row.GetInt64(9),
        };
        // Found by the text it had before a rotation: accepted until the grace period ends (a past or missing end refuses it).
        DateTimeOffset? previousUntil = row.GetFieldValue<byte[]>(10).AsSpan().SequenceEqual(hash)
            ? null
            : row.IsDBNull(11) ? DateTimeOffset.MinValue : row.GetFieldValue<DateTimeOffset>(11);
        return (new TokenRow(valid, row.IsDBNull(2) ? null : row.GetFieldValue<DateTimeOffset>(2), !row.IsDBNull(3), row.GetBoolean(6), previousUntil), true);
    }

    private async Task<Dictionary<long, int>> UsedTodayAsync(long? userId, CancellationToken ct) =>
        (await usage.PerTokenAsync(userId, calendar.Today().Date, ct)).ToDictionary(u => u.TokenId, u => u.Calls);

    private static TokenInfo ToInfo(AccessToken t, string userName, int usedToday) =>
        new(t.Id, t.UserId, userName, t.Prefix, t.Description, t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt,
            TokenScope.From(t.Models, t.DailyCalls), usedToday)
        {
            OrganizationId = t.OrganizationId,
            RotatedAt = t.RotatedAt,
            PreviousValidUntil = t.PreviousHash is null ? null : t.PreviousValidUntil,
        };

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the check needs of a token row; <see cref="Valid"/> is the answer when nothing refuses it.</summary>
    private sealed record TokenRow(TokenCheck Valid, DateTimeOffset? ExpiresAt, bool Revoked, bool UserEnabled, DateTimeOffset? PreviousUntil);
}
