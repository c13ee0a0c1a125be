using System.Buffers;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// Sends a call to one of a model's deployments (weighted least outstanding requests among the healthy ones) and
/// returns once the first bytes of a 2xx answer are here. Until then nothing has reached the client, so a connect
/// error, a 5xx or a first-byte timeout ejects the deployment and Polly retries on another one; a 4xx is final.
/// </summary>
public sealed class UpstreamInvoker : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly UpstreamRegistry _registry;
    private readonly UpstreamOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<UpstreamInvoker> _logger;
    private readonly HttpMessageInvoker _http;
    private readonly ResiliencePipeline _pipeline;
    private int _rotation;

    public UpstreamInvoker(UpstreamRegistry registry, IOptions<UpstreamOptions> options, TimeProvider clock, ILogger<UpstreamInvoker> logger)
    {
        _registry = registry;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _http = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
            // A response given up early (the client left) must close its connection, so the engine stops generating;
            // draining it to reuse the connection would let the engine run on.
            MaxResponseDrainSize = 0,
        });

        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = new PredicateBuilder().Handle<UpstreamException>(e => e.Retryable),
                OnRetry = args =>
                {
                    UpstreamLog.Retrying(_logger, args.Context.OperationKey ?? "?", args.AttemptNumber + 1, args.Outcome.Exception!);
                    return default;
                },
            });
        }

        _pipeline = builder.AddTimeout(new TimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(_options.FirstByteTimeoutSeconds) }).Build();
    }

    /// <summary>Throws <see cref="UpstreamException"/> (no deployment, all busy, all failed, 4xx) before anything
    /// was returned, and <see cref="OperationCanceledException"/> when <paramref name="ct"/> (the client) is cancelled.</summary>
    public async ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, CancellationToken ct)
    {
        var endpoints = await _registry.GetOrReloadAsync(request.ModelId, ct);
        if (endpoints.Length == 0)
        {
            throw new UpstreamException(UpstreamFailure.Unavailable, $"Model '{request.ModelId}' has no upstream deployment.") { Final = true };
        }

        var context = ResilienceContextPool.Shared.Get(request.ModelId, ct);
        try
        {
            var state = new Attempts(this, request, endpoints, ct);
            return await _pipeline.ExecuteAsync(static (ctx, s) => s.Invoker.AttemptAsync(s, ctx.CancellationToken), context, state);
        }
        catch (TimeoutRejectedException e)
        {
            throw new UpstreamException(UpstreamFailure.Timeout, "The upstream engine did not answer in time.", inner: e) { Final = true };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The health probe: <c>GET {url}/models</c> answers 2xx within the health timeout.</summary>
    public Task<bool> ProbeAsync(UpstreamEndpoint endpoint, CancellationToken ct) =>
        UpstreamProbe.RunAsync(_http, endpoint.Target, TimeSpan.FromSeconds(_options.HealthTimeoutSeconds), ct);

    private async ValueTask<UpstreamResponse> AttemptAsync(Attempts state, CancellationToken attemptToken)
    {
        var nowMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var rotation = Interlocked.Increment(ref _rotation);
        switch (UpstreamBalancer.TryPick(state.Endpoints, nowMs, state.Tried, rotation, out var endpoint))
        {
            case UpstreamBalancer.Outcome.Busy when state.Last is null:
                throw new UpstreamException(UpstreamFailure.Busy, $"Every upstream deployment of '{state.Request.ModelId}' is at its limit of requests in flight.") { Final = true };
            case UpstreamBalancer.Outcome.Picked:
                break;
            default:
                throw state.Last is { } last
                    ? new UpstreamException(last.Failure, last.Message, last.UpstreamStatus, last.UpstreamMessage, last) { Final = true }
                    : new UpstreamException(UpstreamFailure.Unavailable, $"No upstream deployment of '{state.Request.ModelId}' is healthy.") { Final = true };
        }

        (state.Tried ??= []).Add(endpoint!);
        try
        {
            return await SendToAsync(endpoint!, state.Request, attemptToken, state.ClientGone);
        }
        catch (UpstreamException e)
        {
            endpoint!.Release();
            state.Last = e;
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !state.ClientGone.IsCancellationRequested)
        {
            endpoint!.Release();
            var failure = e is OperationCanceledException ? UpstreamFailure.Timeout : UpstreamFailure.Unavailable;
            Eject(endpoint, failure, e.Message);
            throw state.Last = new UpstreamException(failure, failure == UpstreamFailure.Timeout
                ? "The upstream engine did not answer in time." : "The upstream engine could not be reached.", inner: e);
        }
        catch
        {
            endpoint!.Release();
            throw;
        }
    }

    private async Task<UpstreamResponse> SendToAsync(UpstreamEndpoint endpoint, UpstreamRequest request, CancellationToken attemptToken, CancellationToken clientGone)
    {
        var target = endpoint.Target;
        var (path, content) = request.PerTarget is { } perTarget ? perTarget(target) : (request.Path, request.Body(target.UpstreamModel));
        var message = new HttpRequestMessage(HttpMethod.Post, endpoint.UrlFor(path)) { Content = content };
        message.Headers.Accept.Add(request.Streaming ? EventStream : Json);
        if (request.RequestId is { } id)
        {
            message.Headers.TryAddWithoutValidation("X-Request-Id", id);
        }

        Authorize(message, target);
        HttpResponseMessage? response = null;
        byte[]? buffer = null;
        try
        {
            response = await _http.SendAsync(message, attemptToken);
            var status = (int)response.StatusCode;
            if (status >= 400)
            {
                var upstreamMessage = await UpstreamErrorBody.ReadMessageAsync(response, target.ApiKey?.Reveal(), attemptToken);
                throw Refusal(endpoint, status, upstreamMessage);
            }

            var body = await response.Content.ReadAsStreamAsync(attemptToken);
            buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            var first = await body.ReadAsync(buffer, attemptToken);
            var answer = new UpstreamResponse(response, body, endpoint, buffer, first, _options, _clock, Eject, clientGone);
            response = null;
            buffer = null;
            return answer;
        }
        finally
        {
            message.Dispose();
            response?.Dispose();
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Downloads a file an engine's answer links to (an image answered as a URL): only from the deployment's own origin
    /// (scheme, host and port of its base URL; a relative link is resolved there), no redirects, at most
    /// <paramref name="maxBytes"/>, within <paramref name="timeout"/>, with the deployment's key. Throws
    /// <see cref="UpstreamException"/> (Timeout, Unavailable, or ServerError for a refused link or answer).
    /// </summary>
    public async Task<byte[]> FetchAsync(UpstreamTarget target, string link, int maxBytes, TimeSpan timeout, CancellationToken ct)
    {
        if (!Uri.TryCreate(target.BaseUrl, link, out var url) || !SameOrigin(url, target.BaseUrl))
        {
            throw new UpstreamException(UpstreamFailure.ServerError, "it linked to a file outside the engine's own origin, which OpenMaaS does not fetch") { Final = true };
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        Authorize(message, target);
        try
        {
            using var response = await _http.SendAsync(message, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new UpstreamException(UpstreamFailure.ServerError, $"the linked file answered HTTP {(int)response.StatusCode}", (int)response.StatusCode) { Final = true };
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            var file = new ArrayBufferWriter<byte>((int)Math.Min(response.Content.Headers.ContentLength ?? BufferSize, maxBytes) + 1);
            int n;
            while ((n = await body.ReadAsync(file.GetMemory(BufferSize), deadline.Token)) > 0)
            {
                file.Advance(n);
                if (file.WrittenCount > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
            }

            return file.WrittenSpan.ToArray();
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new UpstreamException(UpstreamFailure.Timeout, "The upstream engine did not deliver the linked file in time.", inner: e) { Final = true };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new UpstreamException(UpstreamFailure.Unavailable, "The linked file could not be fetched from the upstream engine.", inner: e) { Final = true };
        }

        static UpstreamException TooLarge(int max) => new(UpstreamFailure.ServerError, $"the linked file is larger than {max} bytes") { Final = true };
    }

    private static bool SameOrigin(Uri url, Uri origin) =>
        url.Scheme == origin.Scheme && string.Equals(url.IdnHost, origin.IdnHost, StringComparison.OrdinalIgnoreCase) && url.Port == origin.Port;

    private UpstreamException Refusal(UpstreamEndpoint endpoint, int status, string? upstreamMessage)
    {
        if (status >= 500)
        {
            Eject(endpoint, UpstreamFailure.ServerError, $"HTTP {status}");
            return new UpstreamException(UpstreamFailure.ServerError, $"The upstream engine answered {status}.", status, upstreamMessage);
        }

        return status == 429
            ? new UpstreamException(UpstreamFailure.Busy, "The upstream engine is busy.", status, upstreamMessage) { Final = true }
            : new UpstreamException(UpstreamFailure.Rejected, $"The upstream engine answered {status}.", status, upstreamMessage) { Final = true };
    }

    private void Eject(UpstreamEndpoint endpoint, UpstreamFailure failure, string why)
    {
        endpoint.Eject(_clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)(_options.EjectSeconds * 1000));
        UpstreamLog.Ejected(_logger, endpoint.Target.ModelId, endpoint.Target.BaseUrl, failure, why, _options.EjectSeconds);
    }

    private static void Authorize(HttpRequestMessage message, UpstreamTarget target)
    {
        if (target.ApiKey is { } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed class Attempts(UpstreamInvoker invoker, UpstreamRequest request, UpstreamEndpoint[] endpoints, CancellationToken clientGone)
    {
        public UpstreamInvoker Invoker { get; } = invoker;

        public UpstreamRequest Request { get; } = request;

        public UpstreamEndpoint[] Endpoints { get; } = endpoints;

        public CancellationToken ClientGone { get; } = clientGone;

        public List<UpstreamEndpoint>? Tried { get; set; }

        public UpstreamException? Last { get; set; }
    }
}
