using OpenMaas.Inference.Upstream;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>
/// Media through engines (audio today): the request goes as the client sent it, with the engine's model name, and the
/// answer — JSON, text, subtitles or audio bytes — is streamed back as it arrives with its status and media type,
/// flushed per read, never held whole. Failures before anything reached the client are <see cref="CallException"/>s
/// (refunded); a client that leaves aborts the engine's request.
/// </summary>
internal sealed class EngineMedia(UpstreamInvoker invoker, TimeProvider clock)
{
    public async Task RespondAsync(HttpContext http, InferenceCall call, string path, Func<string, HttpContent> body)
    {
        var ct = http.RequestAborted;
        UpstreamResponse answer;
        try
        {
            answer = await invoker.SendAsync(new UpstreamRequest(call.Model.Id, path, body, Streaming: true, http.TraceIdentifier), ct);
        }
        catch (UpstreamException e)
        {
            throw EngineErrors.ToCallException(e, call.Model.Id);
        }

        await using (answer)
        {
            var response = http.Response;
            response.StatusCode = answer.StatusCode;
            response.ContentType = answer.ContentType ?? "application/octet-stream";
            if (answer.ContentLength is { } length)
            {
                response.ContentLength = length;
            }

            call.MarkFirstOutput(clock.GetUtcNow());
            await response.Body.WriteAsync(answer.Buffer.AsMemory(0, answer.FirstCount), ct);
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = await answer.ReadAsync(buffer)) > 0)
                {
                    await response.Body.WriteAsync(buffer.AsMemory(0, n), ct);
                    await response.Body.FlushAsync(ct);
                }
            }
            catch (UpstreamException)
            {
                // Bytes already left: a status is impossible and audio has no error event; cut the answer visibly.
                http.Abort();
            }
        }
    }
}
