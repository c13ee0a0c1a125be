using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas backup DEST</c> and <c>openmaas restore BACKUP</c> (into <c>--data</c>).</summary>
internal static class BackupCommands
{
    public static Command Backup()
    {
        var destination = new Argument<string>("destination") { Description = "A new (or empty) folder for the backup" };
        var command = new Command("backup", "Back up the data folder (a consistent SQLite snapshot, keys, models, images) while the server runs")
        {
            destination,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = CliServices.Build(CliOptions.Settings(parse));
            var data = services.GetRequiredService<IOptions<DataOptions>>().Value.FullPath;
            var database = services.GetRequiredService<DatabaseTarget>();
            var target = Path.GetFullPath(parse.GetValue(destination)!);
            try
            {
                await DataFolderBackup.BackupAsync(data, database, target, TimeProvider.System, ct);
            }
            catch (BackupException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            await Console.Error.WriteLineAsync($"Backed up {data} to {target}.");
            if (database.Provider == DatabaseProvider.Postgres)
            {
                await Console.Error.WriteLineAsync($"The database is PostgreSQL ({database.Display}): back it up with pg_dump; this backup holds the data folder's keys, models and images.");
            }

            return 0;
        });
        return command;
    }

    public static Command Restore()
    {
        var backup = new Argument<string>("backup") { Description = "A folder written by `openmaas backup`" };
        var command = new Command("restore", "Restore a backup into the data folder given by --data (which must be new or empty)")
        {
            backup,
        };
        command.SetAction(async (parse, ct) =>
        {
            var data = Path.GetFullPath(parse.GetValue(CliOptions.Data)!);
            DataFolderBackup.Manifest manifest;
            try
            {
                manifest = await DataFolderBackup.CopyInAsync(Path.GetFullPath(parse.GetValue(backup)!), data, ct);
            }
            catch (BackupException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            await using var db = await services.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>().CreateDbContextAsync(ct);
            var moved = await DataFolderBackup.RebaseModelPathsAsync(db, manifest.Source, data, ct);
            await Console.Error.WriteLineAsync($"Restored the backup of {manifest.Source} ({manifest.CreatedAt:u}) into {data}; {moved} model(s) now read their files from it.");
            return 0;
        });
        return command;
    }
}
