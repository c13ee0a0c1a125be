using System.CommandLine;

namespace OpenMaas.Server.Cli;

/// <summary>The <c>openmaas</c> command line: <c>serve</c> and the administration verbs.</summary>
internal static class OpenMaasCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("OpenMaaS: a self-hosted Model-as-a-Service platform (OpenAI-compatible API, quotas, model library).")
        {
            CliOptions.Data,
            CliOptions.Database,
            CliOptions.Redis,
            ServeCommand.Create(),
            MigrateCommand.Create(),
            BackupCommands.Backup(),
            BackupCommands.Restore(),
            ModelCommands.Create(),
            RunCommand.Create(),
            UserCommands.Create(),
            TokenCommands.Create(),
            OrgCommands.Create(),
            QuotaCommands.Create(),
            QuotaCommands.Usage(),
            AuditCommands.Create(),
        };
        return root;
    }
}
