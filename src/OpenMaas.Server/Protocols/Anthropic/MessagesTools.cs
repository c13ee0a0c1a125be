using System.Text.Json;
using System.Text.RegularExpressions;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>The Messages API's <c>tools</c>, <c>tool_choice</c> and <c>thinking</c>, checked the way Anthropic does
/// and mapped to the neutral types (<c>any</c> is a required call, <c>tool</c> a named one).</summary>
internal static partial class MessagesTools
{
    public const int MinThinkingBudget = 1024;

    public static IReadOnlyList<ToolDefinition> Tools(JsonElement? tools)
    {
        if (tools is not { } all || all.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        Check(all.ValueKind == JsonValueKind.Array, "tools: Input should be a valid list");
        var defined = new List<ToolDefinition>();
        var i = 0;
        foreach (var tool in all.EnumerateArray())
        {
            var path = $"tools.{i++}";
            Check(tool.ValueKind == JsonValueKind.Object, $"{path}: Input should be an object");
            if (tool.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && !type.ValueEquals("custom"))
            {
                throw CallException.BadRequest($"{path}.type: server tools ('{type.GetString()}') are not supported here; define a custom tool with an input_schema.");
            }

            var name = Str(tool, "name");
            Check(name is not null && ToolName().IsMatch(name), $"{path}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'");
            Check(tool.TryGetProperty("input_schema", out var schema), $"{path}.input_schema: Field required");
            Check(schema.ValueKind == JsonValueKind.Object, $"{path}.input_schema: must be a JSON Schema object");
            Check(!schema.TryGetProperty("type", out var t) || (t.ValueKind == JsonValueKind.String && t.ValueEquals("object")), $"{path}.input_schema.type: Input should be 'object'");
            Check(defined.All(d => d.Name != name), $"{path}.name: tool names must be unique ('{name}')");
            defined.Add(new ToolDefinition(name!, Str(tool, "description"), schema.Clone()));
        }

        return defined;
    }

    public static (ToolChoice Choice, bool? Parallel) ToolChoice(JsonElement? choice, IReadOnlyList<ToolDefinition> tools)
    {
        if (choice is not { } c || c.ValueKind == JsonValueKind.Null)
        {
            return (tools.Count == 0 ? new ToolChoice(ToolChoiceMode.None) : Inference.Abstractions.ToolChoice.Auto, null);
        }

        Check(c.ValueKind == JsonValueKind.Object && c.TryGetProperty("type", out _), "tool_choice.type: Field required");
        bool? parallel = c.TryGetProperty("disable_parallel_tool_use", out var d) && d.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? !d.GetBoolean()
            : null;
        var type = Str(c, "type");
        var mapped = type switch
        {
            "auto" => Inference.Abstractions.ToolChoice.Auto,
            "none" => new ToolChoice(ToolChoiceMode.None),
            "any" => new ToolChoice(ToolChoiceMode.Required),
            "tool" => new ToolChoice(ToolChoiceMode.Function, Str(c, "name") ?? throw CallException.BadRequest("tool_choice.name: Field required")),
            _ => throw CallException.BadRequest($"tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none' (got '{type}')"),
        };
        Check(mapped.Mode is not (ToolChoiceMode.Required or ToolChoiceMode.Function) || tools.Count > 0,
            $"tool_choice: '{type}' needs at least one tool in 'tools'");
        Check(mapped.Mode != ToolChoiceMode.Function || tools.Any(t => t.Name == mapped.Name),
            $"tool_choice.name: no tool named '{mapped.Name}' in 'tools'");
        return (mapped, parallel);
    }

    public static ThinkingOptions? Thinking(JsonElement? thinking, int maxTokens)
    {
        if (thinking is not { } t || t.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Check(t.ValueKind == JsonValueKind.Object, "thinking: Input should be an object");
        switch (Str(t, "type"))
        {
            case "disabled":
                return new ThinkingOptions(false);
            case "enabled":
                Check(t.TryGetProperty("budget_tokens", out var b) && b.ValueKind == JsonValueKind.Number && b.TryGetInt32(out _), "thinking.enabled.budget_tokens: Field required");
                var budget = b.GetInt32();
                Check(budget >= MinThinkingBudget, $"thinking.enabled.budget_tokens: Input should be greater than or equal to {MinThinkingBudget}");
                Check(budget < maxTokens, "thinking.enabled.budget_tokens: must be less than max_tokens");
                return new ThinkingOptions(true, budget);
            default:
                throw CallException.BadRequest("thinking.type: Input should be 'enabled' or 'disabled'");
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw CallException.BadRequest(message);
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolName();
}
