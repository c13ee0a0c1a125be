namespace OpenMaas.Inference.Onnx.Ranking;

/// <summary>One query–document pair as a BERT cross-encoder reads it: <c>[CLS] query [SEP] document [SEP]</c>, token
/// type 0 for <c>[CLS]</c>, the query and its <c>[SEP]</c>, 1 for the document and the last <c>[SEP]</c>.</summary>
/// <param name="Ids">The token ids, special tokens included.</param>
/// <param name="TypeIds">The segment of each token.</param>
internal sealed record PairEncoding(long[] Ids, long[] TypeIds)
{
    /// <summary>Encodes a pair in at most <paramref name="maxTokens"/> tokens (special tokens included), truncating
    /// the longer of the two, one token at a time, as Hugging Face's <c>longest_first</c> does.</summary>
    public static PairEncoding Create(IReadOnlyList<int> query, IReadOnlyList<int> document, int cls, int sep, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 5);
        int q = query.Count, d = document.Count;
        while (q + d + 3 > maxTokens)
        {
            if (q > d)
            {
                q--;
            }
            else
            {
                d--;
            }
        }

        var ids = new long[q + d + 3];
        var types = new long[ids.Length];
        ids[0] = cls;
        for (var i = 0; i < q; i++)
        {
            ids[1 + i] = query[i];
        }

        ids[q + 1] = sep;
        for (var i = 0; i < d; i++)
        {
            ids[q + 2 + i] = document[i];
            types[q + 2 + i] = 1;
        }

        ids[^1] = sep;
        types[^1] = 1;
        return new PairEncoding(ids, types);
    }
}
