using OpenMaas.Server.Metering;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Endpoints;

/// <summary>Binds and validates the chat body before any filter runs (so invalid requests are never admitted).</summary>
internal sealed record ChatBody(ChatCompletionRequest Request) : IInferenceRequest
{
    public string Model => Request.Model;

    public string Endpoint => "chat.completions";

    public static async ValueTask<ChatBody?> BindAsync(HttpContext context)
    {
        var request = await RequestReader.ReadAsync(context, OpenAIJson.Default.ChatCompletionRequest);
        _ = request.ToPrompt();
        return new ChatBody(request);
    }
}

/// <summary>Binds and validates the text-completion body.</summary>
internal sealed record CompletionBody(CompletionRequest Request) : IInferenceRequest
{
    public string Model => Request.Model;

    public string Endpoint => "completions";

    public static async ValueTask<CompletionBody?> BindAsync(HttpContext context)
    {
        var request = await RequestReader.ReadAsync(context, OpenAIJson.Default.CompletionRequest);
        _ = request.ToPrompt();
        return new CompletionBody(request);
    }
}
