using System.Buffers;

namespace OpenMaas.Inference.Upstream;

/// <summary>
/// An engine's 2xx answer whose first bytes have arrived. Reads go through the gap timeout; disposing releases the
/// deployment's slot and, when the body was not read to its end, aborts the connection (the engine sees the client
/// leave and stops generating).
/// </summary>
public sealed class UpstreamResponse : IAsyncDisposable
{
    private readonly HttpResponseMessage _message;
    private readonly Stream _body;
    private readonly UpstreamEndpoint _endpoint;
    private readonly Action<UpstreamEndpoint, UpstreamFailure, string> _eject;
    private readonly TimeSpan _gap;
    private readonly CancellationToken _clientGone;
    private readonly CancellationTokenSource _timeout;
    private int _disposed;

    internal UpstreamResponse(HttpResponseMessage message, Stream body, UpstreamEndpoint endpoint, byte[] buffer, int firstCount,
        TimeSpan gap, Action<UpstreamEndpoint, UpstreamFailure, string> eject, CancellationToken clientGone)
    {
        _message = message;
        _body = body;
        _endpoint = endpoint;
        Buffer = buffer;
        FirstCount = firstCount;
        _gap = gap;
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

    /// <summary>Reads more of the body; 0 at its end. Throws <see cref="UpstreamException"/> when the engine stays
    /// silent longer than the gap timeout or the connection breaks (the deployment is ejected), and
    /// <see cref="OperationCanceledException"/> when the client left.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> into)
    {
        _timeout.CancelAfter(_gap);
        try
        {
            return await _body.ReadAsync(into, _timeout.Token);
        }
        catch (OperationCanceledException) when (!_clientGone.IsCancellationRequested)
        {
            _eject(_endpoint, UpstreamFailure.Timeout, $"no data for {_gap.TotalSeconds:0.###} s");
            throw new UpstreamException(UpstreamFailure.Timeout, $"The upstream engine sent nothing for {_gap.TotalSeconds:0.###} s.");
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
