namespace OpenMaas.Server.TaskApi;

/// <summary>A parsed and validated task call: the model's input and its numeric parameters.</summary>
internal abstract record TaskRequest(IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>An image or audio file.</summary>
    public sealed record Bytes(ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, double> Parameters) : TaskRequest(Parameters);

    /// <summary>Sentences; with <paramref name="Compared"/> &gt; 0 the first is the source sentence and the last
    /// <paramref name="Compared"/> are compared with it (ModelScope's sentence-embedding input).</summary>
    public sealed record Texts(IReadOnlyList<string> Items, int Compared, IReadOnlyDictionary<string, double> Parameters) : TaskRequest(Parameters);
}

/// <param name="Data">ModelScope's <c>Data</c> object.</param>
internal sealed record TaskResult(System.Text.Json.Nodes.JsonObject Data, int PromptTokens, int CompletionTokens);
