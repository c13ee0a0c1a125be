namespace OpenMaas.Inference.Upstream;

/// <summary>Deployments registered outside the configuration (by the CLI, in the database), re-read every health round.</summary>
public interface IUpstreamSource
{
    Task<IReadOnlyList<UpstreamTarget>> ListAsync(CancellationToken ct);
}
