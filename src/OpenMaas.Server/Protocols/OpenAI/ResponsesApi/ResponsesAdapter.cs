using System.Text;
using System.Text.Json;
using OpenMaas.Core.Responses;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.Protocols.OpenAI.ResponsesApi;

/// <summary>A checked Responses call: the request, the whole conversation it answers (inherited items included), and
/// the neutral generation request made from it.</summary>
internal sealed record ResponsesCall(ValidatedResponses Request, IReadOnlyList<ConversationItem> Conversation, TextGenerationRequest Generation) : IInferenceRequest
{
    public string Model => Generation.Model;

    public CallEndpoint Endpoint => Generation.Endpoint;
}

/// <summary>Prepares a Responses call as the text generation it is (same runtimes, same checks before admission).</summary>
internal sealed class ResponsesPreparer(ICallPreparer<TextGenerationRequest, PreparedGeneration> generation) : ICallPreparer<ResponsesCall, PreparedGeneration>
{
    public ValueTask<PreparedGeneration> PrepareAsync(ResponsesCall request, InferenceCall call, CancellationToken ct) =>
        generation.PrepareAsync(request.Generation, call, ct);
}

/// <summary>The wire adapter of <c>POST /v1/responses</c>: reads and checks the request, continues a stored
/// conversation (<c>previous_response_id</c>, the caller's own only), answers through the one generation responder with
/// the <see cref="ResponsesEncoder"/>, and stores the answer with its conversation unless <c>store</c> is false.</summary>
internal sealed class ResponsesAdapter(GenerationResponder responder, IResponseStore store, TimeProvider clock) : IWireAdapter<ResponsesCall, PreparedGeneration>
{
    public static readonly CallEndpoint Endpoint = new(OpenAIEndpoints.Protocol, "responses");

    public async ValueTask<ResponsesCall> ReadAsync(HttpContext http)
    {
        var (body, _) = await JsonBodyReader.ReadAsync(http, ResponsesJson.Default.ResponsesRequest, FieldPathStyle.Brackets);
        var request = body.Validate();
        IReadOnlyList<ConversationItem> previous = [];
        if (request.PreviousResponseId is { } previousId)
        {
            var stored = await store.FindAsync(previousId, http.User.UserId() ?? 0, http.RequestAborted)
                ?? throw CallException.BadRequest($"Previous response with id '{previousId}' not found.", "previous_response_id", "previous_response_not_found");
            previous = [.. Deserialize(stored.InputJson), .. ResponseWriter.OutputConversation(stored.ResponseJson)];
        }

        var conversation = ResponsesValidation.Conversation(previous, request.Input);
        var generation = new TextGenerationRequest
        {
            Model = request.Model,
            Endpoint = Endpoint,
            Prompt = ResponsesValidation.ToPrompt(request.Instructions, conversation, request.ToolDefinitions),
            PromptParam = "input",
            MaxTokens = request.MaxOutputTokens,
            MaxTokensParam = "max_output_tokens",
            CapMaxTokensToContext = true,
            Sampling = request.Sampling,
            Stream = request.Stream,
            ToolChoice = request.Choice,
            ToolsParam = "tools",
            ParallelToolCalls = request.ParallelToolCallsAsSent,
            ResponseFormat = request.Format,
            ResponseFormatParam = "text.format",
            Thinking = request.Thinking,
            ThinkingParam = "reasoning",
        };
        return new ResponsesCall(request, conversation, generation);
    }

    public async Task<IResult> RespondAsync(HttpContext http, ResponsesCall request, AdmittedCall<PreparedGeneration> call)
    {
        var head = new ResponseHead(ResponseIds.New("resp_"), clock.GetUtcNow().ToUnixTimeSeconds(), call.Call.Model.Id, request.Request);
        var userId = http.User.UserId() ?? 0;
        Func<byte[], CancellationToken, Task>? persist = request.Request.Store
            ? (json, ct) => store.SaveAsync(new StoredResponse
            {
                Id = head.Id,
                UserId = userId,
                CreatedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
                ModelId = head.Model,
                InputJson = JsonSerializer.Serialize([.. request.Conversation], ResponsesJson.Default.ListConversationItem),
                ResponseJson = Encoding.UTF8.GetString(json),
            }, ct)
            : null;
        var encoder = new ResponsesEncoder(head, request.Request.Stream ? persist : null);
        var result = await responder.RespondAsync(http, call, encoder, request.Request.Stream);
        if (!request.Request.Stream && persist is not null && encoder.Final is { } final)
        {
            await persist(final, http.RequestAborted);
        }

        return result;
    }

    internal static List<ConversationItem> Deserialize(string json) =>
        JsonSerializer.Deserialize(json, ResponsesJson.Default.ListConversationItem) ?? [];
}
