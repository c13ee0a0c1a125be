using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Library;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Catalog;

/// <summary>The catalog over EF Core. Every change that can move a model into or out of the served set
/// (add, remove, a new mode) re-runs the API-Inference policy before it returns.</summary>
internal sealed class ModelCatalog(
    IDbContextFactory<OpenMaasDbContext> factory, IApiInferencePolicy policy, IAuditLog audit, TimeProvider clock) : IModelCatalog
{
    public async Task<ModelRecord?> FindAsync(string id, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        return await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    public async Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        return await db.Models.AsNoTracking().OrderBy(m => m.Id).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ModelRecord>> ListServedAsync(CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        return await db.Models.AsNoTracking().Where(m => m.ApiInference).OrderBy(m => m.Id).ToListAsync(ct);
    }

    public async Task<ModelPage> QueryAsync(ModelQuery query, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        var models = ModelFilters.Apply(db.Models.AsNoTracking(), query);
        if (!query.Viewer.SeesAll)
        {
            // Private models are few: the ones this viewer may not see are left out by ID.
            var hidden = (await db.Models.AsNoTracking().Where(m => m.Private).Select(m => m.Id).ToListAsync(ct))
                .Where(id => !query.Viewer.SeesPrivateModel(id)).ToList();
            if (hidden.Count > 0)
            {
                models = models.Where(m => !hidden.Contains(m.Id));
            }
        }

        var total = await models.CountAsync(ct);
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, ModelQuery.MaxPageSize);
        var items = await ModelFilters.Sort(models, query.Sort).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        return new ModelPage(items, total, page, size);
    }

    public async Task<bool> AddAsync(ModelRecord model, CancellationToken ct = default)
    {
        await using (var db = await OpenAsync(ct))
        {
            if (await db.Models.AnyAsync(m => m.Id == model.Id, ct))
            {
                return false;
            }

            db.Models.Add(model);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another node (or process) added it between the check and the insert: as if it had been there.
                if (!await ExistsAsync(model.Id, ct))
                {
                    throw;
                }

                return false;
            }
        }

        await policy.EvaluateAsync(ct);
        await audit.RecordAsync(new AuditEntry(AuditActions.ModelAdd, AuditActions.Targets.Model, model.Id) { After = Snapshot(model) }, ct);
        return true;
    }

    private async Task<bool> ExistsAsync(string id, CancellationToken ct)
    {
        await using var db = await OpenAsync(ct);
        return await db.Models.AnyAsync(m => m.Id == id, ct);
    }

    public async Task<ModelRecord?> UpdateAsync(string id, Action<ModelRecord> change, CancellationToken ct = default)
    {
        string before;
        await using (var db = await OpenAsync(ct))
        {
            var model = await db.Models.FirstOrDefaultAsync(m => m.Id == id, ct);
            if (model is null)
            {
                return null;
            }

            before = Snapshot(model);
            change(model);
            model.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }

        await policy.EvaluateAsync(ct);
        var updated = await FindAsync(id, ct);
        if (updated is not null && Snapshot(updated) is var after && after != before)
        {
            await audit.RecordAsync(new AuditEntry(AuditActions.ModelChange, AuditActions.Targets.Model, id) { Before = before, After = after }, ct);
        }

        return updated;
    }

    public async Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct = default)
    {
        ModelRecord? model;
        await using (var db = await OpenAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            model = await db.Models.FirstOrDefaultAsync(m => m.Id == id, ct);
            if (model is null)
            {
                return null;
            }

            db.Models.Remove(model);
            await db.SaveChangesAsync(ct);
            await db.Likes.Where(l => l.ModelId == id).ExecuteDeleteAsync(ct);
            await db.Downloads.Where(d => d.ModelId == id).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }

        await policy.EvaluateAsync(ct);
        await audit.RecordAsync(new AuditEntry(AuditActions.ModelRemove, AuditActions.Targets.Model, id) { Before = Snapshot(model) }, ct);
        return model;
    }

    /// <summary>What the audit log keeps of a model: its card and mode, not its files or its README's text.</summary>
    private static string Snapshot(ModelRecord m) => AuditJson.Of(new
    {
        m.Id, m.Task, m.Format, Mode = m.ApiInferenceMode.ToString(), m.ApiInference, m.DisplayName, m.License, m.Tags, m.Capabilities, m.Description, m.Private, m.Weight,
        Readme = m.Readme is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(m.Readme)))[..12],
    });

    private Task<OpenMaasDbContext> OpenAsync(CancellationToken ct) => factory.CreateDbContextAsync(ct);
}
