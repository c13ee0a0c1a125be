namespace OpenMaas.Server.WebConsole.Services;

/// <summary>"Use via API": ready-to-run calls of one model with this server's base URL, per client.</summary>
internal static class ApiSnippets
{
    public sealed record Snippet(string Id, string Label, string Code);

    public static IReadOnlyList<Snippet> For(string baseUrl, string modelId) =>
    [
        new("curl", "curl", $$"""
            curl {{baseUrl}}/chat/completions \
              -H "Authorization: Bearer $MODELSCOPE_API_TOKEN" \
              -H "Content-Type: application/json" \
              -d '{"model": "{{modelId}}", "stream": true,
                   "messages": [{"role": "user", "content": "Once upon a time"}]}'
            """),
        new("python", "Python (openai)", $$"""
            from openai import OpenAI
            import os

            client = OpenAI(base_url="{{baseUrl}}", api_key=os.environ["MODELSCOPE_API_TOKEN"])
            stream = client.chat.completions.create(
                model="{{modelId}}",
                messages=[{"role": "user", "content": "Once upon a time"}],
                stream=True,
            )
            for chunk in stream:
                if chunk.choices:
                    print(chunk.choices[0].delta.content or "", end="", flush=True)
            """),
        new("dotnet", ".NET (OpenAI)", $$"""
            using System.ClientModel;
            using OpenAI;
            using OpenAI.Chat;

            var client = new ChatClient(
                model: "{{modelId}}",
                credential: new ApiKeyCredential(Environment.GetEnvironmentVariable("MODELSCOPE_API_TOKEN")!),
                options: new OpenAIClientOptions { Endpoint = new Uri("{{baseUrl}}") });
            await foreach (var update in client.CompleteChatStreamingAsync("Once upon a time"))
            {
                foreach (var part in update.ContentUpdate)
                {
                    Console.Write(part.Text);
                }
            }
            """),
        new("js", "JavaScript (openai)", $$"""
            import OpenAI from "openai";

            const client = new OpenAI({ baseURL: "{{baseUrl}}", apiKey: process.env.MODELSCOPE_API_TOKEN });
            const stream = await client.chat.completions.create({
              model: "{{modelId}}",
              messages: [{ role: "user", content: "Once upon a time" }],
              stream: true,
            });
            for await (const chunk of stream) {
              process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
            }
            """),
    ];
}
