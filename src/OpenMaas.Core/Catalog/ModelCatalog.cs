using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Catalog;

internal sealed class ModelCatalog(IDbContextFactory<OpenMaasDbContext> factory, DatabaseInitializer initializer) : IModelCatalog
{
    public async Task<ModelRecord?> FindAsync(string id, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    public async Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Models.AsNoTracking().OrderBy(m => m.Id).ToListAsync(ct);
    }

    public async Task<bool> AddAsync(ModelRecord model, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Models.AnyAsync(m => m.Id == model.Id, ct))
        {
            return false;
        }

        db.Models.Add(model);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct = default)
    {
        await initializer.EnsureInitializedAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var model = await db.Models.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (model is null)
        {
            return null;
        }

        db.Models.Remove(model);
        await db.SaveChangesAsync(ct);
        return model;
    }
}
