namespace OpenMaas.Tests.Infrastructure;

/// <summary>Finds ../shared (or OPENMAAS_SHARED): the real test models and inputs. Never copied into the repo.</summary>
public static class TestAssets
{
    public const string StoriesId = "karpathy/stories260K";

    /// <summary>Greedy 40-token continuation of "Once upon a time" (MODELS.md).</summary>
    public const string StoriesGreedy40 = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";

    public static string SharedFolder { get; } = Locate();

    public static string StoriesGguf => Path.Combine(SharedFolder, "models", "stories260K.gguf");

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("OPENMAAS_SHARED") is { Length: > 0 } env)
        {
            return Path.GetFullPath(env);
        }

        var shared = Path.GetFullPath(Path.Combine(FindRepoRoot(), "..", "shared"));
        return Directory.Exists(shared) ? shared : throw new DirectoryNotFoundException($"Test assets not found at {shared}; set OPENMAAS_SHARED.");
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenMaas.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("OpenMaas.slnx not found above " + AppContext.BaseDirectory);
    }
}
