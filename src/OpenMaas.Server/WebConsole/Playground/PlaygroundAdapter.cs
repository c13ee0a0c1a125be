using Microsoft.AspNetCore.Antiforgery;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes.TextGeneration;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>
/// The console's playground as one more wire adapter of the call pipeline: the signed-in user's call, resolved,
/// authorized (API-Inference), prepared, admitted against their quota and written to their usage log like any API call.
/// It reads JSON (with the antiforgery header) and streams through the <see cref="PlaygroundEncoder"/>.
/// </summary>
internal sealed class PlaygroundAdapter(IAntiforgery antiforgery, GenerationResponder responder)
    : IWireAdapter<TextGenerationRequest, PreparedGeneration>
{
    public async ValueTask<TextGenerationRequest> ReadAsync(HttpContext http)
    {
        await ConsoleRequests.ValidateAsync(antiforgery, http);
        var (wire, _) = await JsonBodyReader.ReadAsync(http, PlaygroundJson.Default.PlaygroundRequest, FieldPathStyle.Brackets);
        return PlaygroundMapper.ToGenerationRequest(wire);
    }

    public Task<IResult> RespondAsync(HttpContext http, TextGenerationRequest request, AdmittedCall<PreparedGeneration> admitted) =>
        responder.RespondAsync(http, admitted, new PlaygroundEncoder(), request.Stream);
}
