using OpenMaas.Inference.Abstractions;
using SkiaSharp;

namespace OpenMaas.Inference.Onnx.Vision;

/// <summary>Decodes images with SkiaSharp. The size is read from the header first: an image over the pixel limit is
/// refused before any pixel is decoded.</summary>
internal static class ImageDecoder
{
    public static SKBitmap Decode(ReadOnlyMemory<byte> bytes, long maxPixels)
    {
        if (bytes.IsEmpty)
        {
            throw new TaskInputException("The image is empty (0 bytes).", "input");
        }

        using var data = SKData.CreateCopy(bytes.Span);
        using var codec = SKCodec.Create(data) ?? throw new TaskInputException("The input is not an image (PNG, JPEG, GIF, BMP or WebP expected).", "input");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new TaskInputException($"The image header gives an empty size ({width}x{height}).", "input");
        }

        if ((long)width * height > maxPixels)
        {
            throw new TaskInputException($"The image is {width}x{height} = {(long)width * height:N0} pixels, over the limit of {maxPixels:N0} pixels.", "input", 413);
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new TaskInputException($"The image data is corrupt or truncated ({result}).", "input");
        }

        return bitmap;
    }

    /// <summary>The image stretched to the config's size as a [1, C, H, W] tensor: (pixel − mean) × scale; one channel
    /// is BT.709 luminance, alpha is ignored.</summary>
    public static float[] ToTensor(SKBitmap image, ImageConfig config)
    {
        using var resized = image.Width == config.Width && image.Height == config.Height
            ? null
            : image.Resize(new SKImageInfo(config.Width, config.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var source = resized ?? image;
        var pixels = source.GetPixelSpan();
        var plane = config.Width * config.Height;
        var tensor = new float[config.Channels * plane];
        for (var i = 0; i < plane; i++)
        {
            var (r, g, b) = (pixels[i * 4], pixels[(i * 4) + 1], pixels[(i * 4) + 2]);
            if (config.Channels == 1)
            {
                var luminance = MathF.Round((0.2126f * r) + (0.7152f * g) + (0.0722f * b));
                tensor[i] = (luminance - At(config.Mean, 0)) * At(config.Scale, 0);
                continue;
            }

            tensor[i] = (r - At(config.Mean, 0)) * At(config.Scale, 0);
            tensor[plane + i] = (g - At(config.Mean, 1)) * At(config.Scale, 1);
            tensor[(2 * plane) + i] = (b - At(config.Mean, 2)) * At(config.Scale, 2);
        }

        return tensor;
    }

    private static float At(float[] values, int channel) => values.Length == 0 ? 0f : values[Math.Min(channel, values.Length - 1)];
}
