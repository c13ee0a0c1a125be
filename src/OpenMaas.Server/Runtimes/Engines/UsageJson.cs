using System.Text.Json;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>Reads the top-level <c>usage</c> of an OpenAI answer or stream chunk without building a DOM.</summary>
internal static class UsageJson
{
    /// <param name="UsageOnly">The chunk has no choices: it exists only to carry the usage (OpenAI's include_usage chunk).</param>
    public readonly record struct Found(bool HasUsage, int PromptTokens, int CompletionTokens, bool UsageOnly);

    public static Found Read(ReadOnlySpan<byte> json)
    {
        try
        {
            return ReadCore(json);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static Found ReadCore(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        var hasUsage = false;
        var prompt = 0;
        var completion = 0;
        var noChoices = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    hasUsage = true;
                    (prompt, completion) = ReadCounts(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Read();
                    noChoices = reader.TokenType == JsonTokenType.EndArray;
                    if (!noChoices)
                    {
                        reader.Skip();
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Found(hasUsage, prompt, completion, hasUsage && noChoices);
    }

    private static (int Prompt, int Completion) ReadCounts(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0, total = 0;
        bool sawPrompt = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            var isTotal = reader.ValueTextEquals("total_tokens"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number && (isPrompt || isCompletion || isTotal))
            {
                var value = reader.TryGetInt32(out var v) ? v : 0;
                if (isPrompt)
                {
                    (prompt, sawPrompt) = (value, true);
                }
                else if (isCompletion)
                {
                    completion = value;
                }
                else
                {
                    total = value;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        // A rerank answer (vLLM, Jina, OpenMaaS) counts only total_tokens: all of them were read.
        return (sawPrompt ? prompt : total - completion, completion);
    }
}
