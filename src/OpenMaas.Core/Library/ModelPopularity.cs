using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Library;

/// <summary>Likes and downloads are rows with a unique key (one like per user, one download per user per day); the
/// counters on the model are recounted from those rows in the same transaction, so concurrent requests and repeated
/// clicks can neither double-count nor drift.</summary>
internal sealed class ModelPopularity(
    IDbContextFactory<OpenMaasDbContext> factory,
    IApiInferencePolicy policy,
    DownloadCalendar calendar,
    TimeProvider clock) : IModelPopularity
{
    public async Task<long?> SetLikeAsync(string modelId, long userId, bool like, CancellationToken ct = default)
    {
        bool changed;
        long likes;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (!await db.Models.AnyAsync(m => m.Id == modelId, ct))
            {
                return null;
            }

            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                changed = like
                    ? !await db.Likes.AnyAsync(l => l.ModelId == modelId && l.UserId == userId, ct)
                        && await TryInsertAsync(db, new ModelLike { ModelId = modelId, UserId = userId, CreatedAt = clock.GetUtcNow() }, ct)
                    : await db.Likes.Where(l => l.ModelId == modelId && l.UserId == userId).ExecuteDeleteAsync(ct) > 0;
                if (changed)
                {
                    await db.Models.Where(m => m.Id == modelId)
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.Likes, m => db.Likes.LongCount(l => l.ModelId == m.Id)), ct);
                }

                await tx.CommitAsync(ct);
            }

            // Counted from the rows, so a request that lost a race still answers the committed count.
            likes = await db.Likes.LongCountAsync(l => l.ModelId == modelId, ct);
        }

        if (changed)
        {
            await policy.EvaluateAsync(ct);
        }

        return likes;
    }

    public async Task<bool> HasLikedAsync(string modelId, long userId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Likes.AnyAsync(l => l.ModelId == modelId && l.UserId == userId, ct);
    }

    public async Task<bool> RecordDownloadAsync(string modelId, string subject, CancellationToken ct = default)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var day = calendar.Today();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (!await db.Models.AnyAsync(m => m.Id == modelId, ct)
                || await db.Downloads.AnyAsync(d => d.ModelId == modelId && d.Subject == subject && d.Day == day, ct)
                || !await TryInsertAsync(db, new ModelDownload { ModelId = modelId, Subject = subject, Day = day }, ct))
            {
                return false;
            }

            await db.Models.Where(m => m.Id == modelId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Downloads, m => db.Downloads.LongCount(d => d.ModelId == m.Id)), ct);
            await tx.CommitAsync(ct);
        }

        await policy.EvaluateAsync(ct);
        return true;
    }

    /// <summary>Inserts a row whose key was just seen absent; false when a concurrent request inserted it first.</summary>
    private static async Task<bool> TryInsertAsync<T>(OpenMaasDbContext db, T row, CancellationToken ct)
        where T : class
    {
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
