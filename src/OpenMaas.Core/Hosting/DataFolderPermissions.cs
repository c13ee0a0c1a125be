using System.Runtime.InteropServices;

namespace OpenMaas.Core.Hosting;

/// <summary>
/// The data folder holds every account's password hash, the token hashes and the session-signing keys, so it is
/// owner-only: the folder and its subfolders 0700, its files 0600. The process umask is set to 077 first, so files
/// created later (SQLite's -wal/-shm, rotated keys, copied models) are owner-only too; files left by an older
/// version are tightened at start.
/// </summary>
public static class DataFolderPermissions
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> owner-only, or tightens it and what it holds (not the model store,
    /// whose files may be links to files the owner does not own).</summary>
    public static void Secure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        _ = Umask(0b000_111_111);
        Directory.CreateDirectory(path, FolderMode);
        File.SetUnixFileMode(path, FolderMode);
        foreach (var file in Directory.EnumerateFiles(path))
        {
            Tighten(file, FileMode);
        }

        var keys = Path.Combine(path, "keys");
        if (Directory.Exists(keys))
        {
            Tighten(keys, FolderMode);
            foreach (var file in Directory.EnumerateFiles(keys))
            {
                Tighten(file, FileMode);
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string path, UnixFileMode mode)
    {
        try
        {
            if ((File.GetUnixFileMode(path) & ~mode) != 0)
            {
                File.SetUnixFileMode(path, mode);
            }
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours (e.g. a file another user left); the folder's 0700 still keeps others out.
        }
    }

    // A plain DllImport (blittable, no marshalling): LibraryImport would need unsafe code in this project.
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);
}
