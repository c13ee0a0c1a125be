using System.Text.Json;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Grammar;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// What a local (GGUF) model can take of a request beyond text, decided before admission: image, audio and other
/// non-text parts are a 400 naming the part (the local runtime has no vision or audio encoder); <c>tools</c> with
/// <c>tool_choice</c> auto is a 400 <c>tools_not_supported</c> (llama.cpp's built-in templates render no tools, so the
/// model could not know them); asking for thinking is a 400 <c>thinking_not_supported</c>. A required or named tool
/// call and <c>response_format</c> json_object / json_schema become a GBNF grammar the sampler enforces
/// (<see cref="JsonSchemaGrammar"/>); a schema keyword the grammar cannot enforce is a 400 naming it.
/// </summary>
internal static class LocalConstraints
{
    /// <summary>The grammar to sample with (or null), after refusing what a local model cannot take.</summary>
    public static string? Apply(TextGenerationRequest request, string modelId)
    {
        var tools = request.Prompt is PromptInput.Chat chat ? chat.Tools : [];
        if (request.Prompt is PromptInput.Chat c)
        {
            RefuseMedia(c, modelId);
        }

        if (request.Thinking is { } t && (t.Enabled == true || t.BudgetTokens is not null || t.Effort is not (null or "none" or "minimal")))
        {
            throw CallException.BadRequest(
                $"{request.ThinkingParam}: model '{modelId}' runs locally without a reasoning mode; thinking cannot be switched on.",
                request.ThinkingParam, "thinking_not_supported");
        }

        if (tools.Count > 0)
        {
            switch (request.ToolChoice.Mode)
            {
                case ToolChoiceMode.Auto:
                    throw CallException.BadRequest(
                        $"{request.ToolsParam}: model '{modelId}' runs locally and its chat template renders no tools, so it cannot choose to call one. " +
                        "Ask for a call with tool_choice 'required' or a named function (the call is then enforced by a grammar), or send no tools.",
                        request.ToolsParam, "tools_not_supported");
                case ToolChoiceMode.Required or ToolChoiceMode.Function:
                    var offered = tools.Where(x => request.ToolChoice.Mode == ToolChoiceMode.Required || x.Name == request.ToolChoice.Name)
                        .Select(x => (x.Name, x.Parameters)).ToList();
                    return Compile(() => JsonSchemaGrammar.ToolCall(offered), request.ToolsParam == "tool_choice" ? "tools" : request.ToolsParam);
            }
        }

        return request.ResponseFormat?.Kind switch
        {
            ResponseFormatKind.JsonObject => JsonSchemaGrammar.AnyObject(),
            ResponseFormatKind.JsonSchema => Compile(() => JsonSchemaGrammar.FromSchema(request.ResponseFormat.Schema!.Value), request.ResponseFormatParam + ".json_schema.schema"),
            _ => null,
        };
    }

    /// <summary>True when the local answer is a grammar-forced tool call to turn into <c>tool_calls</c>.</summary>
    public static bool ForcesToolCall(TextGenerationRequest request) =>
        request.Prompt is PromptInput.Chat { Tools.Count: > 0 } && request.ToolChoice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function;

    private static string Compile(Func<string> compile, string param)
    {
        try
        {
            return compile();
        }
        catch (UnsupportedSchemaException e)
        {
            throw CallException.BadRequest($"{param}: {e.Message}", param, "unsupported_schema");
        }
        catch (InvalidOperationException)
        {
            // A keyword of the wrong JSON type (e.g. "type": true) fails the converter's typed reads.
            throw CallException.BadRequest($"{param}: the JSON Schema is malformed (a keyword has a value of the wrong type).", param, "invalid_schema");
        }
    }

    private static void RefuseMedia(PromptInput.Chat chat, string modelId)
    {
        for (var i = 0; i < chat.Messages.Count; i++)
        {
            var m = chat.Messages[i];
            if (m.Parts is not { } parts)
            {
                continue;
            }

            for (var j = 0; j < parts.Count; j++)
            {
                if (parts[j] is ContentPart.Text)
                {
                    continue;
                }

                var at = m.Path ?? $"messages[{i}]";
                var path = at.Contains('[', StringComparison.Ordinal) ? $"{at}.content[{j}]" : $"{at}.content";
                throw CallException.BadRequest(
                    $"{path} is a '{parts[j].Kind}' part, but model '{modelId}' is a text-only local model: it takes text parts only.",
                    path, "unsupported_content");
            }
        }
    }

    /// <summary>Reads a grammar-forced call (<c>{"name": …, "arguments": {…}}</c>); null when the text is not one (the
    /// generation stopped early).</summary>
    public static ToolCall? ReadCall(string text, string id)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String &&
                   root.TryGetProperty("arguments", out var arguments)
                ? new ToolCall(id, name.GetString()!, arguments.GetRawText())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
