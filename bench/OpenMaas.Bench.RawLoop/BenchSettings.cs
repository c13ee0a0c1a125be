namespace OpenMaas.Bench.RawLoop;

internal sealed record BenchSettings(string Mode, string ModelPath, int Tokens, int Runs, IReadOnlyList<int>? Sequences)
{
    public const string Prompt = "Once upon a time";
    public const int ContextSize = 256;
    public const int Threads = 1;

    public static BenchSettings Parse(string[] args)
    {
        var mode = "raw";
        string? model = null;
        int tokens = 200, runs = 5;
        var sequences = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = args[++i]; break;
                case "--tokens": tokens = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "raw" or "model" or "grammar": mode = args[i]; break;
                default: sequences.Add(int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }

        return new BenchSettings(mode, model ?? DefaultModel(), tokens, runs, sequences.Count > 0 ? sequences : null);
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string DefaultModel()
    {
        if (Environment.GetEnvironmentVariable("OPENMAAS_SHARED") is { Length: > 0 } shared)
        {
            return Path.Combine(shared, "models", "stories260K.gguf");
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenMaas.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.GetFullPath(Path.Combine(dir?.FullName ?? ".", "..", "shared", "models", "stories260K.gguf"));
    }
}
