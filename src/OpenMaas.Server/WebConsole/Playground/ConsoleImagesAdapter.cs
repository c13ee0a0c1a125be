using Microsoft.AspNetCore.Antiforgery;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Runtimes.Images;

namespace OpenMaas.Server.WebConsole.Playground;

/// <summary>
/// The image model page's prompt box as one more wire adapter of the call pipeline (<c>POST /console/images</c>, the
/// generations body as JSON with the antiforgery header): the signed-in user's call, always in ModelScope's async mode —
/// it answers <c>{task_id, request_id}</c> at once, and the page polls <c>GET /console/tasks/{id}</c>.
/// </summary>
internal sealed class ConsoleImagesAdapter(IAntiforgery antiforgery, ImagesResponder responder) : IWireAdapter<ImageRequest, PreparedImages>
{
    public static readonly CallEndpoint Endpoint = new("console", "images");

    public async ValueTask<ImageRequest> ReadAsync(HttpContext http)
    {
        await ConsoleRequests.ValidateAsync(antiforgery, http);
        return await ImageGenerationsAdapter.ReadAsync(http, Endpoint, async: true);
    }

    public Task<IResult> RespondAsync(HttpContext http, ImageRequest request, AdmittedCall<PreparedImages> call) => responder.RespondAsync(http, request, call);
}
