using System.Text;

namespace OpenMaas.Inference.Llama;

/// <summary>Reads the header of a GGUF file (metadata and tensor shapes) without loading the weights.</summary>
public static class GgufReader
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian
    private const int MaxStringBytes = 64 * 1024 * 1024;

    /// <summary>Reads the metadata; throws <see cref="InvalidDataException"/> when the file is not GGUF.</summary>
    public static GgufMetadata Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, $"'{path}'");
    }

    /// <summary>Reads the metadata from <paramref name="stream"/>; throws only <see cref="InvalidDataException"/> for
    /// bytes that are not a GGUF header (truncated, counts or sizes that overflow), whatever they hold.</summary>
    internal static GgufMetadata Read(Stream stream, string name = "The file")
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            return Read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{name} is truncated: not a complete GGUF header.", e);
        }
        catch (OverflowException e)
        {
            throw new InvalidDataException($"{name} declares a count or size too large to be a GGUF header.", e);
        }
    }

    private static GgufMetadata Read(BinaryReader r)
    {
        if (r.ReadUInt32() != Magic)
        {
            throw new InvalidDataException("Not a GGUF file (bad magic).");
        }

        var version = r.ReadUInt32();
        if (version is < 2 or > 3)
        {
            throw new InvalidDataException($"Unsupported GGUF version {version}.");
        }

        var tensorCount = checked((long)r.ReadUInt64());
        var kvCount = checked((long)r.ReadUInt64());
        var kv = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            var key = ReadString(r);
            var type = (GgufType)r.ReadUInt32();
            kv[key] = ReadValue(r, type, keep: !key.StartsWith("tokenizer.ggml.", StringComparison.Ordinal));
        }

        long parameters = 0;
        for (long i = 0; i < tensorCount; i++)
        {
            _ = ReadString(r);
            var dims = r.ReadUInt32();
            long count = 1;
            for (var d = 0; d < dims; d++)
            {
                count = checked(count * (long)r.ReadUInt64());
            }

            _ = r.ReadUInt32(); // ggml type
            _ = r.ReadUInt64(); // offset
            parameters += count;
        }

        var arch = kv.GetValueOrDefault("general.architecture") as string;
        return new GgufMetadata(
            version,
            arch,
            kv.GetValueOrDefault("general.name") as string,
            parameters,
            arch is null ? null : ToInt(kv.GetValueOrDefault($"{arch}.context_length")),
            kv.GetValueOrDefault("tokenizer.chat_template") as string,
            tensorCount,
            ToInt(kv.GetValueOrDefault("general.file_type")));
    }

    private static int? ToInt(object? value) => value switch
    {
        null => null,
        string => null,
        bool => null,
        object[] => null,
        ulong u => (int)Math.Min(int.MaxValue, u),
        float or double => null, // a count written as a float is not one (and NaN has no integer)
        IConvertible c => (int)Math.Clamp(c.ToInt64(null), int.MinValue, int.MaxValue),
        _ => null,
    };

    private static object? ReadValue(BinaryReader r, GgufType type, bool keep) => type switch
    {
        GgufType.UInt8 => r.ReadByte(),
        GgufType.Int8 => r.ReadSByte(),
        GgufType.UInt16 => r.ReadUInt16(),
        GgufType.Int16 => r.ReadInt16(),
        GgufType.UInt32 => r.ReadUInt32(),
        GgufType.Int32 => r.ReadInt32(),
        GgufType.Float32 => r.ReadSingle(),
        GgufType.Bool => r.ReadByte() != 0,
        GgufType.String => ReadString(r, keep),
        GgufType.Array => ReadArray(r, keep),
        GgufType.UInt64 => r.ReadUInt64(),
        GgufType.Int64 => r.ReadInt64(),
        GgufType.Float64 => r.ReadDouble(),
        _ => throw new InvalidDataException($"Unknown GGUF value type {(int)type}."),
    };

    private static object? ReadArray(BinaryReader r, bool keep)
    {
        var itemType = (GgufType)r.ReadUInt32();
        var count = checked((long)r.ReadUInt64());
        var fixedSize = FixedSize(itemType);
        if (fixedSize > 0)
        {
            Skip(r, checked(fixedSize * count));
            return null;
        }

        for (long i = 0; i < count; i++)
        {
            _ = ReadValue(r, itemType, keep: false);
        }

        return keep ? Array.Empty<object>() : null;
    }

    /// <summary>Skips <paramref name="bytes"/> that must be in the file: a count past its end is a truncated header, not a
    /// seek into nowhere (which a memory stream refuses beyond 2 GiB).</summary>
    private static void Skip(BinaryReader r, long bytes)
    {
        var stream = r.BaseStream;
        if (bytes > stream.Length - stream.Position)
        {
            throw new EndOfStreamException();
        }

        stream.Seek(bytes, SeekOrigin.Current);
    }

    private static long FixedSize(GgufType type) => type switch
    {
        GgufType.UInt8 or GgufType.Int8 or GgufType.Bool => 1,
        GgufType.UInt16 or GgufType.Int16 => 2,
        GgufType.UInt32 or GgufType.Int32 or GgufType.Float32 => 4,
        GgufType.UInt64 or GgufType.Int64 or GgufType.Float64 => 8,
        _ => 0,
    };

    private static string ReadString(BinaryReader r) => ReadString(r, keep: true)!;

    private static string? ReadString(BinaryReader r, bool keep)
    {
        var length = r.ReadUInt64();
        if (length > MaxStringBytes)
        {
            throw new InvalidDataException($"GGUF string of {length} bytes is implausible.");
        }

        if (!keep)
        {
            Skip(r, (long)length);
            return null;
        }

        return Encoding.UTF8.GetString(r.ReadBytes((int)length));
    }

    private enum GgufType : uint
    {
        UInt8 = 0,
        Int8 = 1,
        UInt16 = 2,
        Int16 = 3,
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        Bool = 7,
        String = 8,
        Array = 9,
        UInt64 = 10,
        Int64 = 11,
        Float64 = 12,
    }
}
