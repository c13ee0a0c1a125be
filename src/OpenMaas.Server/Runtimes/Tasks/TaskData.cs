using System.Text.Json.Nodes;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Server.Runtimes.Tasks;

/// <summary>The <c>Data</c> object of ModelScope's task API for each task's output (also what <c>openmaas run</c>
/// prints).</summary>
internal static class TaskData
{
    public static JsonObject From(TaskOutput output) => output switch
    {
        TaskOutput.Classification c => new JsonObject { ["labels"] = Array(c.Labels), ["scores"] = Array(c.Scores) },
        TaskOutput.Detection d => new JsonObject
        {
            ["boxes"] = new JsonArray([.. d.Boxes.Select(b => (JsonNode)Array(b))]),
            ["scores"] = Array(d.Scores),
            ["labels"] = Array(d.Labels),
        },
        TaskOutput.Segments s => new JsonObject
        {
            ["segments"] = new JsonArray([.. s.Items.Select(x => (JsonNode)new JsonObject { ["start"] = x.Start, ["end"] = x.End })]),
            ["duration"] = s.DurationSeconds,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(output)),
    };

    /// <summary>ModelScope's sentence-embedding output: <c>text_embedding</c> (one vector per sentence) and, when
    /// sentences were compared with a source sentence, their cosine <c>scores</c>.</summary>
    public static JsonObject FromEmbeddings(IReadOnlyList<float[]> vectors, int compared)
    {
        var data = new JsonObject { ["text_embedding"] = new JsonArray([.. vectors.Select(v => (JsonNode)Array(v))]) };
        if (compared > 0)
        {
            var source = vectors[0];
            data["scores"] = Array([.. vectors.Skip(vectors.Count - compared).Select(v => Dot(source, v))]);
        }

        return data;
    }

    /// <summary>ModelScope's text-ranking output: <c>scores</c>, one per compared sentence, in their order.</summary>
    public static JsonObject FromScores(IReadOnlyList<float> scores) => new() { ["scores"] = Array(scores) };

    public static JsonObject FromText(string text) => new() { ["text"] = text };

    /// <summary>ModelScope's text-to-speech output: <c>output_wav</c>, the audio file as base64.</summary>
    public static JsonObject FromAudio(byte[] audio) => new() { ["output_wav"] = Convert.ToBase64String(audio) };

    private static float Dot(float[] a, float[] b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return (float)dot;
    }

    private static JsonArray Array(IEnumerable<float> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
