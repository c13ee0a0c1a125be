using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OpenMaas.Core.Storage;

namespace OpenMaas.Tests.Storage;

/// <summary>The DbContext lists its entity configurations instead of scanning OpenMaas.Core for them (the scan loads
/// every type of the assembly, the Redis and PostgreSQL clients with them): the list must build the same model.</summary>
public sealed class EntityConfigurationsTests
{
    [Fact]
    public void TheListedConfigurations_BuildTheModelTheAssemblyScanBuilds()
    {
        var listed = new ModelBuilder();
        OpenMaasDbContext.ApplyEntityConfigurations(listed);
        var scanned = new ModelBuilder();
        scanned.ApplyConfigurationsFromAssembly(typeof(OpenMaasDbContext).Assembly);

        var expected = scanned.Model.ToDebugString(MetadataDebugStringOptions.LongDefault);
        Assert.NotEmpty(scanned.Model.GetEntityTypes());
        Assert.Equal(expected, listed.Model.ToDebugString(MetadataDebugStringOptions.LongDefault));
    }
}
