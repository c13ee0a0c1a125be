using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using OpenMaas.Core.Storage;

namespace OpenMaas.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for SQLite (no database is opened).</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OpenMaasDbContext>
{
    public OpenMaasDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OpenMaasDbContext>();
        options.UseOpenMaasDatabase(new DatabaseTarget(DatabaseProvider.Sqlite, "Data Source=design-time.db"));
        return new OpenMaasDbContext(options.Options);
    }
}
