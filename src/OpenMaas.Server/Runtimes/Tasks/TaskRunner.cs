using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>Runs a prepared task call and shapes its output as ModelScope's <c>Data</c>. Runtime failures surface as
/// <see cref="Pipeline.CallException"/> (503 busy, 500 failed).</summary>
public static class TaskRunner
{
    public static async Task<TaskResult> RunAsync(PreparedTask prepared, ILogger logger, CancellationToken ct)
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
                case PreparedTask.Transcription t:
                    return new TaskResult(TaskData.FromText(await t.Engines.TranscribeAsync(t.ModelId, t.Audio, ct)), 0, 0);
                case PreparedTask.Speech s:
                    return new TaskResult(TaskData.FromAudio(await s.Engines.SpeakAsync(s.ModelId, s.Text, s.Voice, s.Speed, ct)), 0, 0);
                case PreparedTask.Ranking r:
                    var ranked = await Ranking.RerankScoring.ScoreAsync(r.Prepared, ct);
                    return new TaskResult(TaskData.FromScores(ranked.Scores), ranked.Tokens, 0);
                case PreparedTask.Generation { Prepared: PreparedGeneration.Driven driven } g:
                    var result = await GenerationLoop.CollectAsync(driven, null, g.ModelId, logger, ct);
                    return new TaskResult(TaskData.FromText(result.Text), result.End.PromptTokens, result.End.CompletionTokens);
                default:
                    throw new ArgumentOutOfRangeException(nameof(prepared));
            }
        }
        catch (Exception e) when (RuntimeFailures.IsRuntimeFailure(e))
        {
            throw RuntimeFailures.Translate(e, prepared.ModelId);
        }
    }
}
