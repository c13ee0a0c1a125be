using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.Engines;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Protocols.OpenAI;

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

    /// <summary>The neutral request with the body as sent, for an engine that speaks OpenAI too.</summary>
    internal static TextGenerationRequest WithPassThrough(TextGenerationRequest request, string path, ReadOnlyMemory<byte> body) =>
        request with { PassThrough = new PassThroughRequest(path, body, request.Stream, request.StreamUsage) };
}

/// <summary>The wire adapter of <c>POST /v1/chat/completions</c>.</summary>
internal sealed class ChatCompletionsAdapter(GenerationResponder responder, TimeProvider clock) : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http)
    {
        var (body, bytes) = await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.ChatCompletionRequest, FieldPathStyle.Brackets);
        return CompletionsEndpoints.WithPassThrough(body.ToGenerationRequest(), "chat/completions", bytes);
    }

    public Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> call) =>
        responder.RespondAsync(http, call, new ChatEncoder(CompletionIds.New("chatcmpl-", clock, call.Call.Model.Id), request.StreamUsage), request.Stream);
}

/// <summary>The wire adapter of <c>POST /v1/completions</c>.</summary>
internal sealed class CompletionsAdapter(GenerationResponder responder, TimeProvider clock) : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http)
    {
        var (body, bytes) = await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.CompletionRequest, FieldPathStyle.Brackets);
        return CompletionsEndpoints.WithPassThrough(body.ToGenerationRequest(), "completions", bytes);
    }

    public Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> call) =>
        responder.RespondAsync(http, call, new TextCompletionEncoder(CompletionIds.New("cmpl-", clock, call.Call.Model.Id), request.StreamUsage), request.Stream);
}
