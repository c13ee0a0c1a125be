using System.Net.Http.Headers;

namespace OpenMaas.Inference.Upstream;

/// <summary>The health probe shared by the server's health rounds and <c>openmaas model list</c>:
/// <c>GET {url}/models</c> (Text Embeddings Inference: <c>GET /health</c> at its root), with the deployment's key,
/// answers 2xx within the timeout.</summary>
public static class UpstreamProbe
{
    public static async Task<bool> RunAsync(HttpMessageInvoker http, UpstreamTarget target, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        using var message = new HttpRequestMessage(HttpMethod.Get, target.Api == UpstreamApis.Tei ? new Uri(target.BaseUrl, "/health") : new Uri(target.BaseUrl + "/models"));
        if (target.ApiKey is { } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        }

        try
        {
            using var response = await http.SendAsync(message, deadline.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
