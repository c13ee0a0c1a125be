using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using OpenMaas.Core.Storage;

namespace OpenMaas.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for PostgreSQL (no database is opened).</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OpenMaasDbContext>
{
    public OpenMaasDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OpenMaasDbContext>();
        options.UseOpenMaasDatabase(new DatabaseTarget(DatabaseProvider.Postgres, "Host=localhost;Database=openmaas_design"));
        return new OpenMaasDbContext(options.Options);
    }
}
