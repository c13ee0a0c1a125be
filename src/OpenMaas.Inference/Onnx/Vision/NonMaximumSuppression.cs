namespace OpenMaas.Inference.Onnx.Vision;

/// <summary>Greedy (hard) NMS over x1,y1,x2,y2 boxes: the best box wins, boxes overlapping it above the IoU go.</summary>
internal static class NonMaximumSuppression
{
    public static List<(float Score, float[] Box)> Apply(List<(float Score, float[] Box)> candidates, float iouThreshold, int maxKept)
    {
        var kept = new List<(float Score, float[] Box)>();
        foreach (var candidate in candidates.OrderByDescending(c => c.Score))
        {
            if (kept.Count >= maxKept)
            {
                break;
            }

            if (kept.TrueForAll(k => IoU(k.Box, candidate.Box) <= iouThreshold))
            {
                kept.Add(candidate);
            }
        }

        return kept;
    }

    public static float IoU(float[] a, float[] b)
    {
        var w = Math.Max(0, Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]));
        var h = Math.Max(0, Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]));
        var intersection = w * h;
        var union = ((a[2] - a[0]) * (a[3] - a[1])) + ((b[2] - b[0]) * (b[3] - b[1])) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
