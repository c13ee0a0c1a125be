using System.Globalization;
using OpenMaas.Bench.Media;

// The Speed section of issue 19 (bench/media/run.sh runs them; results in bench/README.md):
//   rerank [ROUNDS]                     rerank of 1 × 100 on the built-in MiniLM vs /v1/embeddings of the same 101 texts
//   tasks [POLLS] [--database CS]       GET /v1/tasks/{id} with 10,000 tasks stored (SQLite, or PostgreSQL)
//   uploads [CONCURRENT] [SIZE_MB]      RSS while concurrent uploads stream through /v1/audio/transcriptions
//   minilm DIR                          writes the built-in MiniLM's model.onnx and vocab.txt into DIR
//   xenc DIR [ROUNDS]                   rerank of 1 × 100 on the cross-encoder in DIR vs /v1/embeddings of equal length
static int Int(string[] args, int i, int fallback) => args.Length > i && int.TryParse(args[i], CultureInfo.InvariantCulture, out var v) ? v : fallback;

switch (args)
{
    case ["rerank", ..]:
        await RerankBench.RunAsync(Int(args, 1, 100));
        break;
    case ["tasks", ..]:
        var database = Array.IndexOf(args, "--database") is >= 0 and var at && at + 1 < args.Length ? args[at + 1] : null;
        await TaskPollBench.RunAsync(Int(args, 1, 2000), database);
        break;
    case ["uploads", ..]:
        await UploadBench.RunAsync(Int(args, 1, 20), Int(args, 2, 20));
        break;
    case ["minilm", var folder]:
        CrossEncoderBench.ExtractMiniLm(folder);
        break;
    case ["xenc", var folder, ..]:
        await CrossEncoderBench.RunAsync(folder, Int(args, 2, 50));
        break;
    default:
        Console.Error.WriteLine("usage: OpenMaas.Bench.Media rerank [ROUNDS] | tasks [POLLS] [--database CS] | uploads [CONCURRENT] [SIZE_MB] | minilm DIR | xenc DIR [ROUNDS]");
        return 2;
}

return 0;
