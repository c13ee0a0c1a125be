using System.Text.Json.Nodes;

namespace OpenMaas.Tests.Hardening;

/// <summary>One generated conversation said in each protocol's words: OpenAI chat, Anthropic Messages, OpenAI Responses.</summary>
internal static class WireRequests
{
    public static string Chat(FuzzTurn[] turns, string last)
    {
        var messages = new JsonArray();
        FuzzTurn? previous = null;
        foreach (var turn in turns)
        {
            AddResults(previous);
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = turn.User });
            var assistant = new JsonObject { ["role"] = "assistant", ["content"] = turn.Assistant };
            if (turn.Calls.Length > 0)
            {
                assistant["tool_calls"] = new JsonArray([.. turn.Calls.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
                })]);
            }

            messages.Add(assistant);
            previous = turn;
        }

        AddResults(previous);
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = last });
        var tools = WireGen.Functions(turns, n => new JsonObject
        {
            ["type"] = "function", ["function"] = new JsonObject { ["name"] = n, ["parameters"] = WireGen.Schema() },
        });
        return Body("messages", messages, tools);

        void AddResults(FuzzTurn? turn)
        {
            for (var i = 0; turn is not null && i < turn.Calls.Length; i++)
            {
                messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = turn.Calls[i].Id, ["content"] = turn.Results[i] });
            }
        }
    }

    public static string Messages(FuzzTurn[] turns, string last)
    {
        var messages = new JsonArray();
        FuzzTurn? previous = null;
        foreach (var turn in turns)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = UserBlocks(previous, turn.User) });
            var blocks = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = turn.Assistant } };
            foreach (var c in turn.Calls)
            {
                blocks.Add(new JsonObject { ["type"] = "tool_use", ["id"] = c.Id, ["name"] = c.Name, ["input"] = JsonNode.Parse(c.Arguments) });
            }

            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = blocks });
            previous = turn;
        }

        messages.Add(new JsonObject { ["role"] = "user", ["content"] = UserBlocks(previous, last) });
        var tools = WireGen.Functions(turns, n => new JsonObject { ["name"] = n, ["input_schema"] = WireGen.Schema() });
        var body = JsonNode.Parse(Body("messages", messages, tools))!.AsObject();
        body["max_tokens"] = 16;
        return body.ToJsonString();

        static JsonArray UserBlocks(FuzzTurn? previous, string text)
        {
            var blocks = new JsonArray();
            for (var i = 0; previous is not null && i < previous.Calls.Length; i++)
            {
                blocks.Add(new JsonObject
                {
                    ["type"] = "tool_result", ["tool_use_id"] = previous.Calls[i].Id, ["is_error"] = previous.Errors[i],
                    ["content"] = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = previous.Results[i] } },
                });
            }

            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            return blocks;
        }
    }

    public static string Responses(FuzzTurn[] turns, string last)
    {
        var input = new JsonArray();
        FuzzTurn? previous = null;
        foreach (var turn in turns)
        {
            AddResults(previous);
            input.Add(new JsonObject { ["role"] = "user", ["content"] = turn.User });
            input.Add(new JsonObject
            {
                ["type"] = "message", ["role"] = "assistant",
                ["content"] = new JsonArray { new JsonObject { ["type"] = "output_text", ["text"] = turn.Assistant } },
            });
            foreach (var c in turn.Calls)
            {
                input.Add(new JsonObject { ["type"] = "function_call", ["call_id"] = c.Id, ["name"] = c.Name, ["arguments"] = c.Arguments });
            }

            previous = turn;
        }

        AddResults(previous);
        input.Add(new JsonObject { ["role"] = "user", ["content"] = last });
        var tools = WireGen.Functions(turns, n => new JsonObject { ["type"] = "function", ["name"] = n, ["parameters"] = WireGen.Schema() });
        return Body("input", input, tools);

        void AddResults(FuzzTurn? turn)
        {
            for (var i = 0; turn is not null && i < turn.Calls.Length; i++)
            {
                input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = turn.Calls[i].Id, ["output"] = turn.Results[i] });
            }
        }
    }

    private static string Body(string field, JsonArray conversation, JsonArray tools)
    {
        var body = new JsonObject { ["model"] = "m", [field] = conversation };
        if (tools.Count > 0)
        {
            body["tools"] = tools;
        }

        return body.ToJsonString();
    }
}
