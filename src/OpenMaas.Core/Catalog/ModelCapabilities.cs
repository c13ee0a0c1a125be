namespace OpenMaas.Core.Catalog;

/// <summary>
/// What a text-generation model can take beyond text, as clients are told in <c>/v1/models</c>: <c>tools</c> (it
/// chooses tool calls itself), <c>vision</c> (image parts), <c>audio</c> (audio parts), <c>reasoning</c> (it thinks
/// apart from its answer, <c>reasoning_content</c>) and <c>structured_output</c> (<c>response_format</c> json_schema).
/// A local GGUF model has <c>structured_output</c> (a grammar enforces it); an engine's are what the admin declares
/// (<c>model add-upstream … --capabilities tools,vision,reasoning</c>), since only the engine knows them.
/// </summary>
public static class ModelCapabilities
{
    public const string Tools = "tools";
    public const string Vision = "vision";
    public const string Audio = "audio";
    public const string Reasoning = "reasoning";
    public const string StructuredOutput = "structured_output";

    public static readonly IReadOnlyList<string> All = [Tools, Vision, Audio, Reasoning, StructuredOutput];

    /// <summary>Parses a comma-separated list (order kept, duplicates dropped); returns the first unknown name, or null.</summary>
    public static string? TryParse(string list, out IReadOnlyList<string> capabilities)
    {
        var parsed = new List<string>();
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var known = All.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                capabilities = [];
                return name;
            }

            if (!parsed.Contains(known))
            {
                parsed.Add(known);
            }
        }

        capabilities = parsed;
        return null;
    }

    /// <summary>The capabilities a model shows: declared ones for an engine's model; for a local GGUF text model,
    /// tools (llama.cpp's generic tool-call format) and structured output, both enforced by a grammar.</summary>
    public static IReadOnlyList<string> Of(ModelRecord model) =>
        model.Format == ModelFormats.Upstream ? model.Capabilities
        : model.Format == ModelFormats.Gguf && ModelTasks.IsTextGeneration(model.Task) ? [Tools, StructuredOutput]
        : [];
}
