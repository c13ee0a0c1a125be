using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>The Anthropic endpoints' names in the usage log.</summary>
internal static class AnthropicEndpoints
{
    public const string Protocol = "anthropic";

    public static readonly CallEndpoint Messages = new(Protocol, "messages");

    public static readonly CallEndpoint CountTokens = new(Protocol, "count_tokens");
}

/// <summary>
/// Anthropic's Messages API on the same host and tokens: <c>POST /v1/messages</c> through the call pipeline (one call,
/// like <c>/v1/chat/completions</c>), and <c>POST /v1/messages/count_tokens</c> (free: the model is resolved and the
/// token's scope checked, nothing is admitted). Errors come out in Anthropic's shape. <c>anthropic-version</c> is
/// accepted and not required: every version is answered the same way.
/// </summary>
internal static class MessagesEndpoints
{
    public static IEndpointRouteBuilder MapMessages(this IEndpointRouteBuilder v1)
    {
        v1.MapInference<MessagesAdapter, TextGenerationRequest, PreparedGeneration>("/messages").WithName("Messages").WithErrorWriter(AnthropicErrorWriter.Instance);
        v1.MapPost("/messages/count_tokens", CountTokensAsync).WithName("CountTokens").WithErrorWriter(AnthropicErrorWriter.Instance);
        return v1;
    }

    internal static async Task<IResult> CountTokensAsync(HttpContext http, CallPipeline pipeline, IRuntimeSelector runtimes)
    {
        var (model, prompt) = (await JsonBodyReader.ReadAsync(http, AnthropicJson.Default.CountTokensRequest, FieldPathStyle.Dots)).Value.Validate();
        var call = await pipeline.AuthorizeAsync(http, new TextGenerationRequest { Model = model, Endpoint = AnthropicEndpoints.CountTokens, Prompt = prompt });
        var loaded = await runtimes.LoadAsync<ITextGenerationModel>(call.Model, http.RequestAborted);
        return TypedResults.Json(new CountTokensResponse(loaded.Prepare(LocalConstraints.Counted(prompt)).TokenCount), AnthropicJson.Default.CountTokensResponse);
    }
}

/// <summary>The wire adapter of <c>POST /v1/messages</c>.</summary>
internal sealed class MessagesAdapter(GenerationResponder responder) : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http)
    {
        var v = (await JsonBodyReader.ReadAsync(http, AnthropicJson.Default.MessagesRequest, FieldPathStyle.Dots)).Value.Validate();
        return new TextGenerationRequest
        {
            Model = v.Model,
            Endpoint = AnthropicEndpoints.Messages,
            Prompt = v.Prompt,
            MaxTokens = v.Sampling.MaxTokens,
            CapMaxTokensToContext = true,
            Sampling = v.Sampling,
            Stream = v.Stream,
            PromptParam = "messages",
            MaxTokensParam = "max_tokens",
            ToolChoice = v.ToolChoice,
            ToolsParam = v.ToolsParam,
            ParallelToolCalls = v.ParallelToolCalls,
            Thinking = v.Thinking,
        };
    }

    public Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> call)
    {
        http.Response.Headers["request-id"] = http.TraceIdentifier;
        return responder.RespondAsync(http, call, new MessagesEncoder(MessagesMapping.NewMessageId(), call.Call.Model.Id), request.Stream);
    }
}
