using CsCheck;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Onnx.Vision;
using OpenMaas.Server.Runtimes.Images;
using SkiaSharp;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Property-based fuzzing (CsCheck) of the image readers: the decoder of vision uploads (<see cref="ImageDecoder"/>,
/// which reads the size from the header and refuses an image over the pixel limit before decoding a pixel) and the media
/// type sniffer of generated images (<see cref="GeneratedImage.Sniff"/>). Inputs: small real PNG, JPEG, WebP, GIF and
/// BMP files with any header bytes changed (sizes that lie, huge or zero), cut short, or random bytes behind a real
/// magic number. Each is decoded within the limit or refused with <see cref="TaskInputException"/> (a 400, 413 over the
/// limit), never another exception. Budget: <see cref="Fuzz"/>.
/// </summary>
public sealed class ImageHeaderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 1500;

    private const long MaxPixels = 4096;

    private static readonly byte[][] Images = [Encode(SKEncodedImageFormat.Png), Encode(SKEncodedImageFormat.Jpeg), Encode(SKEncodedImageFormat.Webp), Gif(), Bmp()];

    private static readonly Gen<byte[]> Mutated = Gen.Select(
        Gen.Int[0, Images.Length - 1], Gen.Select(Gen.Int[0, 63], Gen.OneOf(Gen.Const((byte)0xFF), Gen.Const((byte)0x7F), Gen.Const((byte)0), Gen.Byte)).Array[1, 8], Gen.Int[0, 4096], Gen.Bool,
        (which, edits, length, cut) =>
        {
            var bytes = (byte[])Images[which].Clone();
            foreach (var (at, value) in edits)
            {
                bytes[at % bytes.Length] = value;
            }

            return cut ? bytes[..Math.Min(length, bytes.Length)] : bytes;
        });

    private static readonly Gen<byte[]> RandomAfterMagic = Gen.Select(
        Gen.OneOf<byte[]>([0x89, .. "PNG\r\n\u001a\n"u8], [0xFF, 0xD8, 0xFF], [.. "RIFF\0\0\0\0WEBPVP8 "u8], [.. "GIF89a"u8], [.. "BM"u8]), Gen.Byte.Array[0, 256],
        (magic, tail) => (byte[])[.. magic, .. tail]);

    [Fact]
    public void ImageDecoder_ReadsEachRealImage()
    {
        // The mutations start from these: were they refused, the fuzzing would only ever explore refusals.
        foreach (var image in Images)
        {
            using var bitmap = ImageDecoder.Decode(image, MaxPixels);
            Assert.Equal((3, 2), (bitmap.Width, bitmap.Height));
        }
    }

    [Fact]
    public void ImageDecoder_OnMutatedImages_DecodesWithinTheLimitOrRefuses() => Fuzz.Run(Mutated, Decode, Iterations, output, Fuzz.Show);

    [Fact]
    public void ImageDecoder_OnRandomBytesAfterAMagicNumber_DecodesWithinTheLimitOrRefuses() => Fuzz.Run(RandomAfterMagic, Decode, Iterations, output, Fuzz.Show);

    [Fact]
    public void Sniff_OnAnyBytes_NamesTheTypeItsMagicNumberSays() =>
        Fuzz.Run(Gen.OneOf(Mutated, RandomAfterMagic, Gen.Byte.Array[0, 16]), bytes =>
        {
            var type = GeneratedImage.Sniff(bytes);
            Assert.Equal(type == "image/png", bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']));
            Assert.Equal(type == "image/gif", bytes.AsSpan().StartsWith("GIF8"u8));
        }, Iterations, output, Fuzz.Show);

    private static void Decode(byte[] bytes)
    {
        try
        {
            using var bitmap = ImageDecoder.Decode(bytes, MaxPixels);
            Assert.True((long)bitmap.Width * bitmap.Height <= MaxPixels, $"{bitmap.Width}x{bitmap.Height} decoded over the limit");
        }
        catch (TaskInputException e)
        {
            Assert.True(e.Status is 400 or 413, $"status {e.Status}");
        }
    }

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(3, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(200, 30, 90));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A 3x2 GIF: header, logical screen, a two-colour table, one image of LZW data (all colour 0).</summary>
    private static byte[] Gif() =>
    [
        .. "GIF89a"u8, 3, 0, 2, 0, 0x80, 0, 0, 255, 0, 0, 0, 0, 255, // screen 3x2, global table of 2 colours
        0x2C, 0, 0, 0, 0, 3, 0, 2, 0, 0, // image descriptor 3x2
        2, 5, 0x04, 0x41, 0x10, 0x04, 0x51, 0, // LZW minimum code size 2; (clear, 0) six times, end: 3-bit codes
        0x3B,
    ];

    /// <summary>A 3x2 24-bit BMP (rows padded to 4 bytes).</summary>
    private static byte[] Bmp()
    {
        var bytes = new byte[54 + (12 * 2)];
        "BM"u8.CopyTo(bytes);
        BitConverter.GetBytes(bytes.Length).CopyTo(bytes, 2);
        BitConverter.GetBytes(54).CopyTo(bytes, 10);
        BitConverter.GetBytes(40).CopyTo(bytes, 14);
        BitConverter.GetBytes(3).CopyTo(bytes, 18);
        BitConverter.GetBytes(2).CopyTo(bytes, 22);
        BitConverter.GetBytes((short)1).CopyTo(bytes, 26);
        BitConverter.GetBytes((short)24).CopyTo(bytes, 28);
        return bytes;
    }
}
