using System.Buffers;
using OpenMaas.Inference.Upstream;

namespace OpenMaas.Server.Runtimes.Engines;

/// <summary>Reads a whole (JSON) answer of an engine. Throws <see cref="UpstreamException"/> when it breaks.</summary>
internal static class EngineAnswer
{
    /// <param name="answer">The engine's answer, its first bytes in.</param>
    /// <param name="maxBytes">Beyond this the answer is refused as an engine error.</param>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAllAsync(UpstreamResponse answer, int maxBytes = int.MaxValue)
    {
        var first = answer.Buffer.AsMemory(0, answer.FirstCount);
        if (answer.ContentLength is { } length && length == answer.FirstCount)
        {
            return first;
        }

        var more = new ArrayBufferWriter<byte>(Math.Max(answer.FirstCount * 2, (int)Math.Min(answer.ContentLength ?? 0, Math.Min(maxBytes, 64 << 20))));
        more.Write(first.Span);
        int n;
        while ((n = await answer.ReadAsync(more.GetMemory(16 * 1024))) > 0)
        {
            more.Advance(n);
            if (more.WrittenCount > maxBytes)
            {
                throw new UpstreamException(UpstreamFailure.ServerError, $"the answer is larger than {maxBytes} bytes");
            }
        }

        return more.WrittenMemory;
    }
}
