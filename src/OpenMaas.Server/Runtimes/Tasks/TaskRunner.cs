using System.Text;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>Runs a prepared task call and shapes its output as ModelScope's <c>Data</c>. Runtime failures surface as
/// <see cref="Pipeline.CallException"/> (503 busy, 500 failed).</summary>
public static class TaskRunner
{
    public static async Task<TaskResult> RunAsync(PreparedTask prepared, CancellationToken ct)
    {
        try
        {
            switch (prepared)
            {
                case PreparedTask.Onnx onnx:
                    return new TaskResult(TaskData.From(await onnx.Model.RunAsync(onnx.Input, ct)), 0, 0);
                case PreparedTask.Embeddings e:
                    var vectors = await e.Model.EmbedAsync(e.Tokens, ct);
                    return new TaskResult(TaskData.FromEmbeddings([.. vectors.Select(v => v.Vector)], e.Compared), vectors.Sum(v => v.Tokens), 0);
                case PreparedTask.Generation g:
                    var p = g.Prepared;
                    var text = new StringBuilder();
                    GenerationChunk last = default;
                    await foreach (var chunk in p.Model.Generate(p.Prompt, p.Options, ct))
                    {
                        text.Append(chunk.Text);
                        last = chunk;
                    }

                    return new TaskResult(TaskData.FromText(text.ToString()), last.PromptTokens, last.CompletionTokens);
                default:
                    throw new ArgumentOutOfRangeException(nameof(prepared));
            }
        }
        catch (Exception e) when (e is SchedulerFullException or InferenceException)
        {
            throw RuntimeFailures.Translate(e);
        }
    }
}
