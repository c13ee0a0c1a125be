using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>
/// The console's playground as one more wire adapter of the call pipeline: the signed-in user's call, resolved,
/// authorized (API-Inference), prepared, admitted against their quota and written to their usage log like any API call.
/// It reads JSON (with the antiforgery header) and streams <c>data: {"text":…}</c> events, then one with the finish
/// reason and token counts, or an error event if the model fails after the first byte.
/// </summary>
internal sealed class PlaygroundAdapter(IAntiforgery antiforgery, TimeProvider clock, ILogger<PlaygroundAdapter> logger)
    : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            throw CallException.BadRequest("The page expired: reload it and run again.", code: "antiforgery");
        }

        if (!http.Request.HasJsonContentType())
        {
            throw new CallException(StatusCodes.Status415UnsupportedMediaType, CallErrorKind.InvalidRequest, "Send application/json.");
        }

        PlaygroundRequest? wire;
        try
        {
            wire = await http.Request.ReadFromJsonAsync(PlaygroundJson.Default.PlaygroundRequest, http.RequestAborted);
        }
        catch (JsonException)
        {
            throw CallException.BadRequest("The body is not valid JSON.");
        }

        return PlaygroundMapper.ToGenerationRequest(wire);
    }

    public async Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> admitted)
    {
        var ct = http.RequestAborted;
        var call = admitted.Call;
        await using var chunks = await GenerationStream.StartAsync(admitted, ct);
        using var sse = new SseWriter(http.Response);
        sse.StartStream();
        GenerationChunk last = default;
        try
        {
            var has = chunks.HasFirst;
            while (has)
            {
                last = chunks.Current;
                if (last.Text.Length > 0)
                {
                    await sse.WriteEventAsync(Write, new PlaygroundEvent { Text = last.Text }, ct);
                    call.MarkFirstOutput(clock.GetUtcNow());
                }

                has = await chunks.MoveNextAsync();
            }

            call.SetUsage(last.PromptTokens, last.CompletionTokens);
            var finish = (last.Finish ?? FinishReason.Stop) == FinishReason.Length ? "length" : "stop";
            await sse.WriteEventAsync(Write, new PlaygroundEvent { Finish = finish, PromptTokens = last.PromptTokens, CompletionTokens = last.CompletionTokens }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            call.SetUsage(last.PromptTokens, last.CompletionTokens); // the user stopped it: the call was used
        }
        catch (InferenceException e)
        {
            ConsoleLog.PlaygroundFailed(logger, call.Model.Id, e);
            await sse.WriteEventAsync(Write, new PlaygroundEvent { Error = "The model failed while generating." }, CancellationToken.None);
        }

        return TypedResults.Empty;
    }

    private static void Write(Utf8JsonWriter writer, PlaygroundEvent e) => JsonSerializer.Serialize(writer, e, PlaygroundJson.Default.PlaygroundEvent);
}
