using System.Buffers;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// An engine's 2xx answer whose first bytes have arrived. Reads go through the gap timeout and the whole answer's
/// timeout; disposing releases the deployment's slot and, when the body was not read to its end, aborts the connection
/// (the engine sees the client leave and stops generating). A reader that finds the answer unusable reports it with
/// <see cref="Fail"/>, which ejects the deployment.
/// </summary>
public sealed class UpstreamResponse : IAsyncDisposable
{
    private readonly HttpResponseMessage _message;
    private readonly Stream _body;
    private readonly UpstreamEndpoint _endpoint;
    private readonly Action<UpstreamEndpoint, UpstreamFailure, string> _eject;
    private readonly TimeSpan _gap;
    private readonly TimeSpan _total;
    private readonly TimeProvider _clock;
    private readonly long _started;
    private readonly CancellationToken _clientGone;
    private readonly CancellationTokenSource _timeout;
    private int _disposed;

    internal UpstreamResponse(HttpResponseMessage message, Stream body, UpstreamEndpoint endpoint, byte[] buffer, int firstCount,
        UpstreamOptions options, TimeProvider clock, Action<UpstreamEndpoint, UpstreamFailure, string> eject, CancellationToken clientGone)
    {
        _message = message;
        _body = body;
        _endpoint = endpoint;
        Buffer = buffer;
        FirstCount = firstCount;
        _gap = TimeSpan.FromSeconds(options.ChunkTimeoutSeconds);
        _total = TimeSpan.FromSeconds(options.StreamTimeoutSeconds);
        MaxAnswerBytes = options.MaxAnswerBytes;
        MaxEventBytes = options.MaxEventBytes;
        _clock = clock;
        _started = clock.GetTimestamp();
        _eject = eject;
        _clientGone = clientGone;
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
    }

    public UpstreamEndpoint Endpoint => _endpoint;

    public int StatusCode => (int)_message.StatusCode;

    public string? ContentType => _message.Content.Headers.ContentType?.ToString();

    public long? ContentLength => _message.Content.Headers.ContentLength;

    /// <summary>A pooled buffer; its first <see cref="FirstCount"/> bytes are the start of the body.</summary>
    public byte[] Buffer { get; }

    public int FirstCount { get; }

    /// <summary>The bound on a whole answer (<see cref="UpstreamOptions.MaxAnswerBytes"/>).</summary>
    public int MaxAnswerBytes { get; }

    /// <summary>The bound on one event of a stream (<see cref="UpstreamOptions.MaxEventBytes"/>).</summary>
    public int MaxEventBytes { get; }

    /// <summary>Ejects the deployment for an answer it cannot have meant (<paramref name="why"/> names what was wrong,
    /// in OpenMaaS's words: never the engine's text) and returns the failure to throw.</summary>
    public UpstreamException Fail(UpstreamFailure failure, string why)
    {
        _eject(_endpoint, failure, why);
        return new UpstreamException(failure, why);
    }

    /// <summary>Reads more of the body; 0 at its end. Throws <see cref="UpstreamException"/> when the engine stays
    /// silent longer than the gap timeout, answers longer than the whole answer's timeout, or the connection breaks (the
    /// deployment is ejected), and <see cref="OperationCanceledException"/> when the client left.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> into)
    {
        var left = _total - _clock.GetElapsedTime(_started);
        if (left <= TimeSpan.Zero)
        {
            throw Fail(UpstreamFailure.Timeout, $"The upstream engine's answer went on longer than {_total.TotalSeconds:0.###} s.");
        }

        var endless = left < _gap;
        _timeout.CancelAfter(endless ? left : _gap);
        try
        {
            return await _body.ReadAsync(into, _timeout.Token);
        }
        catch (OperationCanceledException) when (!_clientGone.IsCancellationRequested)
        {
            throw endless
                ? Fail(UpstreamFailure.Timeout, $"The upstream engine's answer went on longer than {_total.TotalSeconds:0.###} s.")
                : Fail(UpstreamFailure.Timeout, $"The upstream engine sent nothing for {_gap.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !_clientGone.IsCancellationRequested)
        {
            _eject(_endpoint, UpstreamFailure.Unavailable, e.Message);
            throw new UpstreamException(UpstreamFailure.Unavailable, "The connection to the upstream engine broke.", inner: e);
        }
        finally
        {
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _endpoint.Release();
            _body.Dispose();
            _message.Dispose();
            _timeout.Dispose();
            ArrayPool<byte>.Shared.Return(Buffer);
        }

        return ValueTask.CompletedTask;
    }
}
