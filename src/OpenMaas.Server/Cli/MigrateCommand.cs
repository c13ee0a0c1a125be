using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas migrate</c>: brings the database (SQLite or PostgreSQL) to this version's schema.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations (serve does this at start unless Database:MigrateAtStart=false)");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = CliServices.Build(CliOptions.Settings(parse));
            var target = services.GetRequiredService<DatabaseTarget>();
            var applied = await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
            await Console.Error.WriteLineAsync(applied.Count == 0
                ? $"{target.Display}: up to date."
                : $"{target.Display}: applied {string.Join(", ", applied)}.");
            return 0;
        });
        return command;
    }
}
