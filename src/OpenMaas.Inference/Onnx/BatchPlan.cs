namespace OpenMaas.Inference.Onnx;

/// <summary>
/// How one dynamic batch is run: its inputs sorted by length and cut into buckets so that padding (every row is padded
/// to its bucket's longest input) stays within a share of the bucket's positions, then the buckets (split further while
/// there are fewer parts than workers) spread over the workers, each running its parts one after another on one thread.
/// </summary>
internal static class BatchPlan
{
    /// <summary>Per worker, its parts; a part is the indices (into <paramref name="lengths"/>) of one model run.</summary>
    public static int[][][] Create(IReadOnlyList<int> lengths, int maxPaddingPercent, int workers)
    {
        var parts = Buckets(lengths, maxPaddingPercent);
        while (parts.Count < workers && parts.Max(p => p.Length) > 1)
        {
            var largest = parts.MaxBy(p => Cost(p, lengths))!;
            var half = largest.Length / 2;
            parts.Remove(largest);
            parts.Add(largest[..half]);
            parts.Add(largest[half..]);
        }

        // Longest part first, to the worker with the least work so far.
        var load = new long[Math.Min(workers, parts.Count)];
        var plan = new List<int[]>[load.Length];
        for (var w = 0; w < plan.Length; w++)
        {
            plan[w] = [];
        }

        foreach (var part in parts.OrderByDescending(p => Cost(p, lengths)))
        {
            var least = Array.IndexOf(load, load.Min());
            plan[least].Add(part);
            load[least] += Cost(part, lengths);
        }

        return [.. plan.Select(p => p.ToArray())];
    }

    /// <summary>Indices sorted by length, cut where adding the next (longer) input would make padding more than
    /// <paramref name="maxPaddingPercent"/> of the bucket's positions.</summary>
    public static List<int[]> Buckets(IReadOnlyList<int> lengths, int maxPaddingPercent)
    {
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        var buckets = new List<int[]>();
        var start = 0;
        long tokens = 0;
        for (var i = 0; i < order.Length; i++)
        {
            long length = lengths[order[i]];
            long rows = i - start + 1;
            var positions = rows * length;
            if (rows > 1 && (positions - tokens - length) * 100 > maxPaddingPercent * positions)
            {
                buckets.Add(order[start..i]);
                start = i;
                tokens = 0;
            }

            tokens += length;
        }

        if (order.Length > 0)
        {
            buckets.Add(order[start..]);
        }

        return buckets;
    }

    // Positions a part runs over: rows × its longest input.
    private static long Cost(int[] part, IReadOnlyList<int> lengths) => (long)part.Length * part.Max(i => lengths[i]);
}
