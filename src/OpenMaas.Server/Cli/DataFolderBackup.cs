using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Storage;

namespace OpenMaas.Server.Cli;

/// <summary>
/// A backup is a data folder: a consistent snapshot of the SQLite database (<c>VACUUM INTO</c>, safe while the server
/// runs and writes), the Data Protection keys (<c>keys/</c>: without them stored upstream API keys cannot be read and
/// console sessions end), the model store (<c>models/</c>) and stored images (<c>images/</c>), plus
/// <c>backup.json</c> saying which folder it came from. Restoring copies it into a new data folder and moves the model
/// records' file paths from the old folder to the new one.
/// </summary>
internal static class DataFolderBackup
{
    public const string ManifestFile = "backup.json";

    /// <summary>Folders of a data folder that a backup carries, besides the database.</summary>
    private static readonly string[] Carried = ["keys", "models", "images"];

    public sealed record Manifest(string Source, DateTimeOffset CreatedAt, string Database);

    public static async Task<Manifest> BackupAsync(string dataFolder, DatabaseTarget database, string destination, TimeProvider clock, CancellationToken ct)
    {
        EnsureEmpty(destination);
        Directory.CreateDirectory(destination);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $target";
            command.Parameters.AddWithValue("$target", Path.Combine(destination, "openmaas.db"));
            await command.ExecuteNonQueryAsync(ct);
        }

        foreach (var folder in Carried)
        {
            CopyTree(Path.Combine(dataFolder, folder), Path.Combine(destination, folder));
        }

        var manifest = new Manifest(dataFolder, clock.GetUtcNow(), database.Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres");
        await File.WriteAllTextAsync(Path.Combine(destination, ManifestFile), JsonSerializer.Serialize(manifest), ct);
        DataFolderPermissions.Secure(destination);
        return manifest;
    }

    /// <summary>Copies the backup into <paramref name="dataFolder"/> (which must be empty or missing).</summary>
    public static async Task<Manifest> CopyInAsync(string backup, string dataFolder, CancellationToken ct)
    {
        var manifestPath = Path.Combine(backup, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new BackupException($"{backup} is not a backup made by `openmaas backup` (no {ManifestFile}).");
        }

        var manifest = JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(manifestPath, ct))
            ?? throw new BackupException($"{manifestPath} is empty.");
        EnsureEmpty(dataFolder);
        CopyTree(backup, dataFolder);
        DataFolderPermissions.Secure(dataFolder);
        return manifest;
    }

    /// <summary>Moves model records whose files were in the old data folder's store to the new one.</summary>
    public static async Task<int> RebaseModelPathsAsync(OpenMaasDbContext db, string oldFolder, string newFolder, CancellationToken ct)
    {
        var from = Path.Combine(oldFolder, "models") + Path.DirectorySeparatorChar;
        var to = Path.Combine(newFolder, "models") + Path.DirectorySeparatorChar;
        var moved = 0;
        foreach (var model in await db.Models.ToListAsync(ct))
        {
            var changed = false;
            if (model.FilePath.StartsWith(from, StringComparison.Ordinal))
            {
                model.FilePath = to + model.FilePath[from.Length..];
                changed = true;
            }

            foreach (var file in model.Files.Where(f => f.LocalPath.StartsWith(from, StringComparison.Ordinal)))
            {
                file.LocalPath = to + file.LocalPath[from.Length..];
                changed = true;
            }

            moved += changed ? 1 : 0;
        }

        await db.SaveChangesAsync(ct);
        return moved;
    }

    private static void EnsureEmpty(string folder)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new BackupException($"{folder} is not empty: choose a new folder.");
        }
    }

    private static void CopyTree(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            return;
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>A backup or restore refused before it changed anything (exit 2 with this message).</summary>
internal sealed class BackupException(string message) : Exception(message);
