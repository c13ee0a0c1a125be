using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.OpenAI;

/// <summary>The OpenAI endpoints' names in the usage log.</summary>
internal static class OpenAIEndpoints
{
    public const string Protocol = "openai";

    public static readonly CallEndpoint ChatCompletions = new(Protocol, "chat.completions");

    public static readonly CallEndpoint Completions = new(Protocol, "completions");
}

/// <summary><c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>, both through the call pipeline.</summary>
internal static class CompletionsEndpoints
{
    public static IEndpointRouteBuilder MapCompletions(this IEndpointRouteBuilder inference)
    {
        inference.MapInference<ChatCompletionsAdapter, TextGenerationRequest, PreparedGeneration>("/chat/completions").WithName("ChatCompletions");
        inference.MapInference<CompletionsAdapter, TextGenerationRequest, PreparedGeneration>("/completions").WithName("Completions");
        return inference;
    }
}

/// <summary>The wire adapter of <c>POST /v1/chat/completions</c>.</summary>
internal sealed class ChatCompletionsAdapter(CompletionWriter writer) : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http) =>
        (await RequestReader.ReadAsync(http, OpenAIJson.Default.ChatCompletionRequest)).ToGenerationRequest();

    public Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> call) =>
        writer.RespondAsync(http, ChatFormat.Instance, request, call);
}

/// <summary>The wire adapter of <c>POST /v1/completions</c>.</summary>
internal sealed class CompletionsAdapter(CompletionWriter writer) : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http) =>
        (await RequestReader.ReadAsync(http, OpenAIJson.Default.CompletionRequest)).ToGenerationRequest();

    public Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> call) =>
        writer.RespondAsync(http, TextFormat.Instance, request, call);
}
