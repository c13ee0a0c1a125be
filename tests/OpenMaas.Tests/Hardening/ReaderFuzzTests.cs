using System.Buffers.Binary;
using System.Text.Json;
using CsCheck;
using OpenMaas.Inference.Abstractions;
using OpenMaas.Inference.Grammar;
using OpenMaas.Inference.Llama;
using OpenMaas.Inference.Onnx.Audio;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Property-based fuzzing (CsCheck) of the readers that take bytes or schemas from outside: the GGUF header reader,
/// the WAV reader and the JSON-Schema-to-grammar converter. Whatever they are given, each either answers or refuses
/// with its one documented exception — never another exception (a crash of the call, a 500). A short, fixed number of
/// cases runs in every test run; <c>OPENMAAS_FUZZ_SECONDS=600</c> runs each for that long instead (docs: README,
/// "Tests"). A failure prints CsCheck's seed; every crash found becomes a <c>Regression_</c> test here.
/// </summary>
public sealed class ReaderFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Cases per property in a normal run (about a second each on a busy machine).</summary>
    private const int Iterations = 3000;

    private void Run<T>(Gen<T> gen, Action<T> property) => Fuzz.Run(gen, property, Iterations, output);

    [Fact]
    public void GgufReader_OnMutatedRealHeaders_ReadsOrRefusesWithInvalidData()
    {
        var header = File.ReadAllBytes(TestAssets.StoriesGguf).AsSpan(0, 64 * 1024).ToArray();
        _ = GgufReader.Read(new MemoryStream(header)); // the unmutated header reads
        var mutated = Gen.Select(Gen.Int[8, header.Length].Array[1, 12], Gen.Byte.Array[12], Gen.Int[0, header.Length], (at, values, length) =>
        {
            var bytes = header[..Math.Max(length, 4)];
            for (var i = 0; i < at.Length; i++)
            {
                bytes[at[i] % bytes.Length] = values[i];
            }

            return bytes;
        });
        Run(mutated, ReadGguf);
    }

    [Fact]
    public void GgufReader_OnRandomBytesAfterTheMagic_ReadsOrRefusesWithInvalidData() =>
        Run(Gen.Byte.Array[0, 512].Select(tail => (byte[])[.. "GGUF"u8, 3, 0, 0, 0, .. tail]), ReadGguf);

    [Fact]
    public void WavDecoder_OnHeadersWithAnyFields_DecodesOrRefusesWithTaskInput()
    {
        var wav = Gen.Select(
            Gen.OneOf(Gen.Const((ushort)1), Gen.Const((ushort)3), Gen.Const((ushort)0xFFFE), Gen.UShort),
            Gen.OneOf(Gen.Const((ushort)1), Gen.Const((ushort)2), Gen.UShort),
            Gen.OneOf(Gen.Const(16000), Gen.Const(44100), Gen.Int),
            Gen.OneOf(Gen.Const((ushort)16), Gen.Const((ushort)8), Gen.Const((ushort)32), Gen.UShort),
            Gen.OneOf(Gen.Int[0, 4096], Gen.Int),
            Gen.Byte.Array[0, 2048],
            Wav);
        Run(wav, bytes =>
        {
            try
            {
                var (samples, rate) = WavDecoder.Decode(bytes, [16000], maxSeconds: 30);
                Assert.Equal(16000, rate);
                Assert.True(samples.Length <= 30 * 16000 + 1024, $"{samples.Length} samples from {bytes.Length} bytes");
            }
            catch (TaskInputException)
            {
            }
        });
    }

    [Fact]
    public void JsonSchemaGrammar_OnAnySchema_MakesABoundedGrammarOrRefusesTheSchema() =>
        Run(Schema(3), schema =>
        {
            using var document = JsonDocument.Parse(schema);
            try
            {
                var grammar = JsonSchemaGrammar.FromSchema(document.RootElement);
                Assert.Contains("root ::=", grammar, StringComparison.Ordinal);
                Assert.True(grammar.Length < JsonSchemaGrammar.MaxGrammarChars + 4096, $"a grammar of {grammar.Length} characters");
            }
            catch (UnsupportedSchemaException)
            {
            }
        });

    // Crashes the fuzzing found, kept as regression tests.

    [Fact]
    public void Regression_WavDeclaringANegativeSampleCount_IsRefusedAsInput() =>
        Assert.Throws<TaskInputException>(() => WavDecoder.Decode(Wav(1, 1, 16000, 16, -1000, [0, 0, 0, 0]), [16000], 30));

    [Fact]
    public void Regression_WavWithABlockSizeItsReadsCannotFit_IsRefusedAsInput()
    {
        Assert.Throws<TaskInputException>(() => WavDecoder.Decode(Wav(1, 2465, 16000, 16, 9860, new byte[9860]), [16000], 30));
        Assert.Throws<TaskInputException>(() => WavDecoder.Decode(Wav(1, 63, 16000, 24, 1890, new byte[1890]), [16000], 30));
    }

    [Fact]
    public void Regression_WavAtOneHertzClaimingManyBytesPerSecond_IsRefusedNotResampledSixteenThousandFold()
    {
        var bytes = Wav(1, 1, 1, 16, 2048, new byte[2048]);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), 1 << 20); // bytes per second: the file "lasts" 2 ms
        Assert.Throws<TaskInputException>(() => WavDecoder.Decode(bytes, [16000], 30));
    }

    [Theory]
    [InlineData(12)] // NAudio: "Unsupported bit depth" (InvalidOperationException)
    [InlineData(4)] // NAudio: a sample count divided by bits / 8 = 0 (DivideByZeroException)
    public void Regression_WavOfAnUnsupportedBitDepth_IsRefusedAsInput(int bits) =>
        Assert.Throws<TaskInputException>(() => WavDecoder.Decode(Wav(1, 1, 16000, (ushort)bits, 4, [0, 0, 0, 0]), [16000], 30));

    [Fact]
    public void Regression_GgufArrayLongerThan2GiB_IsATruncatedHeader()
    {
        // One key whose value is an array of 2^40 uint8: skipping it once sought past what a memory stream allows.
        var bytes = new List<byte>();
        bytes.AddRange("GGUF"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(3u));
        bytes.AddRange(BitConverter.GetBytes(0UL)); // tensors
        bytes.AddRange(BitConverter.GetBytes(1UL)); // keys
        bytes.AddRange(BitConverter.GetBytes(1UL));
        bytes.Add((byte)'k');
        bytes.AddRange(BitConverter.GetBytes(9u)); // array
        bytes.AddRange(BitConverter.GetBytes(0u)); // of uint8
        bytes.AddRange(BitConverter.GetBytes(1UL << 40));
        Assert.Throws<InvalidDataException>(() => GgufReader.Read(new MemoryStream([.. bytes])));
    }

    [Fact]
    public void Regression_GgufContextLengthAsAHugeUInt64OrAFloat_ReadsWithoutOne()
    {
        static byte[] Header(uint type, byte[] value)
        {
            var bytes = new List<byte>();
            bytes.AddRange("GGUF"u8.ToArray());
            bytes.AddRange(BitConverter.GetBytes(3u));
            bytes.AddRange(BitConverter.GetBytes(0UL));
            bytes.AddRange(BitConverter.GetBytes(2UL));
            void Key(string key)
            {
                bytes.AddRange(BitConverter.GetBytes((ulong)key.Length));
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(key));
            }

            Key("general.architecture");
            bytes.AddRange(BitConverter.GetBytes(8u)); // string
            Key("llama");
            Key("llama.context_length");
            bytes.AddRange(BitConverter.GetBytes(type));
            bytes.AddRange(value);
            return [.. bytes];
        }

        Assert.Equal(int.MaxValue, GgufReader.Read(new MemoryStream(Header(10, BitConverter.GetBytes(ulong.MaxValue)))).ContextLength);
        Assert.Null(GgufReader.Read(new MemoryStream(Header(6, BitConverter.GetBytes(float.NaN)))).ContextLength);
        Assert.Equal(int.MinValue, GgufReader.Read(new MemoryStream(Header(11, BitConverter.GetBytes(long.MinValue)))).ContextLength);
    }

    private static void ReadGguf(byte[] bytes)
    {
        try
        {
            _ = GgufReader.Read(new MemoryStream(bytes));
        }
        catch (InvalidDataException)
        {
        }
    }

    private static byte[] Wav(ushort format, ushort channels, int rate, ushort bits, int dataBytes, byte[] payload)
    {
        var bytes = new byte[44 + payload.Length];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + payload.Length);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), format);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), unchecked(rate * channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), unchecked((ushort)(channels * bits / 8)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), bits);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), dataBytes);
        payload.CopyTo(bytes.AsSpan(44));
        return bytes;
    }

    /// <summary>JSON Schemas, nested up to <paramref name="depth"/>: every keyword the converter reads, with values
    /// in and out of range, unknown types and keywords, broken references.</summary>
    private static Gen<string> Schema(int depth)
    {
        var n = Gen.OneOf(Gen.Int[-2, 20], Gen.Int[990, 1010], Gen.Int);
        Gen<string>[] leaves =
        [
            Gen.Const("{}"),
            Gen.OneOf("string", "integer", "number", "boolean", "null", "object", "array", "bogus").Select(t => $$"""{"type":"{{t}}"}"""),
            Gen.Select(n, n, (a, b) => $$"""{"type":"string","minLength":{{a}},"maxLength":{{b}}}"""),
            Gen.Select(n, n, (a, b) => $$"""{"type":"integer","minimum":{{a}},"maximum":{{b}}}"""),
            Gen.Select(n, n, (a, b) => $$"""{"type":"array","minItems":{{a}},"maxItems":{{b}}}"""),
            Gen.OneOf("date", "date-time", "uuid", "email", "time", "nope").Select(f => $$"""{"type":"string","format":"{{f}}"}"""),
            Gen.OneOf("^[a-z]+$", "a{2,5}", "(", "[", "\\\\d+", ".*").Select(p => $$"""{"type":"string","pattern":"{{p}}"}"""),
            Gen.Const("""{"enum":["a",1,null,true,{"x":[]}]}"""),
            Gen.Const("""{"const":"x\"y\\u0000"}"""),
            Gen.Const("""{"type":["string","null"]}"""),
            Gen.Const("""{"$ref":"#/$defs/missing"}"""),
            Gen.Const("""{"$ref":"#"}"""),
            Gen.Const("""{"not":{"type":"string"}}"""),
            Gen.Const("""{"type":"number","multipleOf":0}"""),
        ];
        var leaf = Gen.OneOf(leaves);
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Schema(depth - 1);
        return Gen.OneOf(
            leaf,
            Gen.Select(inner.Array[0, 4], Gen.Bool, (props, closed) => $$"""{"type":"object","properties":{{{string.Join(",", props.Select((p, i) => $"\"p{i}\":{p}"))}}},"required":["p0","zz"],"additionalProperties":{{(closed ? "false" : "true")}}}"""),
            Gen.Select(inner, n, (items, min) => $$"""{"type":"array","items":{{items}},"minItems":{{min}}}"""),
            inner.Array[1, 4].Select(all => $$"""{"anyOf":[{{string.Join(",", all)}}]}"""),
            inner.Array[1, 3].Select(all => $$"""{"oneOf":[{{string.Join(",", all)}}]}"""),
            inner.Array[1, 3].Select(all => $$"""{"allOf":[{{string.Join(",", all)}}]}"""),
            inner.Select(d => $$"""{"$defs":{"x":{{d}}},"$ref":"#/$defs/x"}"""),
            inner.Array[0, 3].Select(all => $$"""{"type":"array","prefixItems":[{{string.Join(",", all)}}]}"""));
    }
}
