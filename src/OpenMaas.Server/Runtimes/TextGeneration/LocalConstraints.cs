using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Grammar;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.TextGeneration;

/// <summary>
/// What a local (GGUF) model can take of a request beyond text, decided before admission: image, audio and other
/// non-text parts are a 400 naming the part (the local runtime has no vision or audio encoder); asking for thinking is a
/// 400 <c>thinking_not_supported</c>. <c>tools</c> (unless <c>tool_choice</c> is none) are put into the prompt and the
/// answer constrained as llama-server does for a template without tool support — llama.cpp's generic tool-call format
/// (<see cref="GenericToolPrompt"/>, <see cref="ToolCallGrammar"/>): auto lets the model answer
/// <c>{"response": …}</c> or call, required or a named function allows only calls. <c>response_format</c> json_object /
/// json_schema becomes a GBNF grammar the sampler enforces (<see cref="JsonSchemaGrammar"/>; with tools, the shape of
/// the response). A schema keyword the grammar cannot enforce is a 400 naming it.
/// </summary>
internal static class LocalConstraints
{
    /// <summary>The prompt and grammar to generate with, after refusing what a local model cannot take;
    /// <see cref="LocalPlan.Tools"/> says the answer is in the generic tool-call format.</summary>
    public static LocalPlan Apply(TextGenerationRequest request, string modelId)
    {
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

        var format = request.ResponseFormat?.Kind switch
        {
            ResponseFormatKind.JsonObject => JsonSchemaGrammar.AnyObject(),
            ResponseFormatKind.JsonSchema => Compile(() => JsonSchemaGrammar.FromSchema(request.ResponseFormat.Schema!.Value), request.ResponseFormatParam + ".json_schema.schema"),
            _ => null,
        };
        if (request.Prompt is not PromptInput.Chat { Tools.Count: > 0 } chat || request.ToolChoice.Mode == ToolChoiceMode.None)
        {
            return new LocalPlan(request.Prompt, format, Tools: false);
        }

        var offered = request.ToolChoice.Mode == ToolChoiceMode.Function ? [.. chat.Tools.Where(x => x.Name == request.ToolChoice.Name)] : chat.Tools;
        var required = request.ToolChoice.Mode != ToolChoiceMode.Auto;
        var parallel = request.ParallelToolCalls == true;
        var grammar = Compile(
            () => ToolCallGrammar.Generic(
                [.. offered.Select(x => (x.Name, x.Parameters))], parallel, allowResponse: !required,
                request.ResponseFormat is { Kind: ResponseFormatKind.JsonSchema } f ? f.Schema : null,
                anyObjectResponse: request.ResponseFormat?.Kind == ResponseFormatKind.JsonObject),
            request.ToolsParam == "tool_choice" ? "tools" : request.ToolsParam);
        return new LocalPlan(GenericToolPrompt.Render(chat, offered, parallel, required), grammar, Tools: true);
    }

    /// <summary>The conversation as a local model sees it for counting (<c>count_tokens</c>): with its tools rendered
    /// as for <c>tool_choice</c> auto.</summary>
    public static PromptInput Counted(PromptInput.Chat chat) =>
        chat.Tools.Count == 0 ? chat : GenericToolPrompt.Render(chat, chat.Tools, parallel: false, required: false);

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
}

/// <summary>What a local model is asked: the prompt to render (tools put into it when <see cref="Tools"/>), the grammar
/// to sample with (or null), and whether the answer is in the generic tool-call format.</summary>
internal sealed record LocalPlan(PromptInput Prompt, string? Grammar, bool Tools);
