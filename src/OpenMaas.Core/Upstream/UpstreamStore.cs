using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Storage;

namespace OpenMaas.Core.Upstream;

internal sealed class UpstreamStore(
    IDbContextFactory<OpenMaasDbContext> factory, IDataProtectionProvider protection, TimeProvider clock) : IUpstreamStore
{
    private readonly IDataProtector _protector = protection.CreateProtector("OpenMaas.Upstream.ApiKey.v1");

    public async Task<bool> AddAsync(string modelId, Uri baseUrl, string upstreamModel, int weight, string? apiKey, string api, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        var url = baseUrl.ToString();
        if (await db.Set<UpstreamDeployment>().AnyAsync(d => d.ModelId == modelId && d.Url == url && d.UpstreamModel == upstreamModel, ct))
        {
            return false;
        }

        db.Add(new UpstreamDeployment
        {
            ModelId = modelId,
            Url = url,
            UpstreamModel = upstreamModel,
            Weight = weight,
            Api = api,
            ProtectedApiKey = apiKey is null ? null : _protector.Protect(apiKey),
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<StoredUpstream>> ListAsync(string? modelId = null, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        var query = db.Set<UpstreamDeployment>().AsNoTracking();
        if (modelId is not null)
        {
            query = query.Where(d => d.ModelId == modelId);
        }

        var rows = await query.OrderBy(d => d.ModelId).ThenBy(d => d.Id).ToListAsync(ct);
        return [.. rows.Select(d => new StoredUpstream(d.ModelId, new Uri(d.Url), d.UpstreamModel, d.Weight, Unprotect(d.ProtectedApiKey), d.Api))];
    }

    public async Task<int> RemoveAsync(string modelId, Uri? baseUrl = null, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        var query = db.Set<UpstreamDeployment>().Where(d => d.ModelId == modelId);
        if (baseUrl is not null)
        {
            var url = baseUrl.ToString();
            query = query.Where(d => d.Url == url);
        }

        return await query.ExecuteDeleteAsync(ct);
    }

    private string? Unprotect(string? stored)
    {
        if (stored is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            // The key ring of this data folder cannot open it (copied database, lost keys): send no key rather than
            // garbage; the engine then answers 401, which the router reports as a misconfigured deployment.
            return null;
        }
    }

    private async Task<OpenMaasDbContext> OpenAsync(CancellationToken ct)
    {
        return await factory.CreateDbContextAsync(ct);
    }
}
