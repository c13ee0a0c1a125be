using System.Buffers.Binary;
using OpenMaas.Inference.Abstractions;
using static OpenMaas.Tests.Onnx.OnnxTestHost;

namespace OpenMaas.Tests.Onnx;

/// <summary>Bad inputs are refused with a <see cref="TaskInputException"/> (a 4xx on the wire) and the model keeps
/// working afterwards.</summary>
[Trait("Category", "Slow")]
public sealed class OnnxBadInputTests
{
    public static TheoryData<string, string, int> Images() => new()
    {
        { "empty", "empty", 400 },
        { "text", "not an image", 400 },
        { "truncated-jpeg", "corrupt or truncated", 400 },
        { "huge-png", "over the limit", 413 },
        { "huge-bmp", "over the limit", 413 },
    };

    public static TheoryData<string, string> Audio() => new()
    {
        { "empty", "empty" },
        { "text", "not a readable WAV" },
        { "truncated-header", "not a readable WAV" },
        { "truncated-data", "truncated" },
        { "png", "not a readable WAV" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task FaceDetection_RefusesBadImages(string kind, string message, int status)
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(UltraFace());

        var error = await Assert.ThrowsAsync<TaskInputException>(() => model.RunAsync(BadImage(kind)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(status, error.Status);
        var after = Assert.IsType<TaskOutput.Detection>(await model.RunAsync(await File.ReadAllBytesAsync(Data("faces/obama.jpg"))));
        Assert.Single(after.Boxes);
    }

    [Theory]
    [MemberData(nameof(Audio))]
    public async Task Vad_RefusesBadAudio(string kind, string message)
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Silero());

        var error = await Assert.ThrowsAsync<TaskInputException>(() => model.RunAsync(BadAudio(kind)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(400, error.Status);
        Assert.Equal(4, Assert.IsType<TaskOutput.Segments>(await model.RunAsync(await File.ReadAllBytesAsync(Data("audio/jfk.wav")))).Items.Count);
    }

    [Theory]
    [InlineData("top_k", 0)]
    [InlineData("top_k", 5000)]
    [InlineData("temperature", 1)]
    public async Task Classification_RefusesBadParameters(string name, double value)
    {
        var (host, runtime) = Create();
        using var _ = host;
        var model = await runtime.LoadTaskAsync(Mnist());

        var error = await Assert.ThrowsAsync<TaskInputException>(() => model.RunAsync(File.ReadAllBytes(Data("mnist/digit_3.png")), new Dictionary<string, double> { [name] = value }));

        Assert.Equal("parameters." + name, error.Param);
    }

    internal static byte[] BadImage(string kind) => kind switch
    {
        "empty" => [],
        "text" => "this is not an image"u8.ToArray(),
        "truncated-jpeg" => File.ReadAllBytes(Data("faces/obama.jpg"))[..150_000],
        "huge-png" => PngHeader(20_000, 20_000),
        "huge-bmp" => BmpHeader(20_000, 20_000),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal static byte[] BadAudio(string kind) => kind switch
    {
        "empty" => [],
        "text" => "RIFF but not really a wave file at all"u8.ToArray(),
        "truncated-header" => File.ReadAllBytes(Data("audio/jfk.wav"))[..30],
        "truncated-data" => File.ReadAllBytes(Data("audio/jfk.wav"))[..100_000],
        "png" => File.ReadAllBytes(Data("mnist/digit_1.png")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A PNG signature, a valid IHDR for a width×height RGB image, and the first bytes of its pixel data.</summary>
    internal static byte[] PngHeader(int width, int height)
    {
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8; // bit depth
        ihdr[13] = 2; // RGB
        var png = new List<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        png.AddRange(ihdr);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(ihdr));
        png.AddRange(crc);
        png.AddRange([0, 0, 0x10, 0, (byte)'I', (byte)'D', (byte)'A', (byte)'T', 0x78, 0x9C]); // the start of the pixel data, cut off
        return [.. png];
    }

    internal static byte[] BmpHeader(int width, int height)
    {
        var bmp = new byte[54];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), 54 + (width * 3 * height));
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
