using System.Text;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Llama;

/// <summary>
/// Renders prompts for one model. Chat: the GGUF's own chat template through <c>llama_chat_apply_template</c> (with
/// the assistant prefix), tokenized with special tokens parsed. Without a template, or with one llama.cpp cannot
/// apply, the documented fallback is the message contents joined by "\n" with no role markers, so base models
/// simply continue the user's text. Raw prompts are tokenized as they are. BOS follows the vocabulary's add_bos.
/// </summary>
internal sealed class PromptRenderer
{
    private readonly LLamaWeights _weights;
    private readonly string _modelId;
    private readonly ILogger _logger;
    private readonly bool _addBos;
    private readonly LLamaToken _bos;
    private volatile bool _templateUnusable;

    public PromptRenderer(string modelId, LLamaWeights weights, ILogger logger)
    {
        _modelId = modelId;
        _weights = weights;
        _logger = logger;
        _addBos = weights.Vocab.ShouldAddBOS;
        _bos = weights.Vocab.BOS ?? LLamaToken.InvalidToken;
        HasTemplate = !string.IsNullOrEmpty(weights.NativeHandle.GetTemplate(null, strict: false));
        _templateUnusable = !HasTemplate;
    }

    /// <summary>True when the GGUF carries <c>tokenizer.chat_template</c>.</summary>
    public bool HasTemplate { get; }

    public PreparedPrompt Prepare(PromptInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input switch
        {
            PromptInput.Raw raw => Tokenize(raw.Text, special: true),
            PromptInput.Chat chat => RenderChat(chat.Messages),
            _ => throw new ArgumentOutOfRangeException(nameof(input)),
        };
    }

    private PreparedPrompt RenderChat(IReadOnlyList<ChatMessage> messages)
    {
        if (!_templateUnusable && TryApplyTemplate(messages) is { } rendered)
        {
            return Tokenize(rendered, special: true);
        }

        return Tokenize(string.Join('\n', messages.Select(m => m.Content)), special: false);
    }

    private string? TryApplyTemplate(IReadOnlyList<ChatMessage> messages)
    {
        try
        {
            var template = new LLamaTemplate(_weights, strict: true) { AddAssistant = true };
            foreach (var message in messages)
            {
                template.Add(message.Role, message.Content);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (Exception e)
        {
            _templateUnusable = true;
            Log.TemplateFallback(_logger, _modelId, e);
            return null;
        }
    }

    private PreparedPrompt Tokenize(string text, bool special)
    {
        var tokens = _weights.NativeHandle.Tokenize(text, _addBos, special, Encoding.UTF8);
        var skip = 0;
        if (_addBos && tokens.Length > 1 && tokens[0] == _bos && tokens[1] == _bos)
        {
            skip = 1; // the template already starts with BOS; llama.cpp would warn about the double BOS
        }

        var ids = new int[tokens.Length - skip];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = (int)tokens[i + skip];
        }

        return new PreparedPrompt(text, ids);
    }
}
