using OpenMaas.Inference.Onnx;

namespace OpenMaas.Tests.Onnx;

public sealed class BatchPlanTests
{
    [Fact]
    public void Buckets_SeparateShortFromLongInputs()
    {
        int[] lengths = [12, 200, 10, 190, 11];

        var buckets = BatchPlan.Buckets(lengths, maxPaddingPercent: 25);

        Assert.Equal([[2, 4, 0], [3, 1]], buckets);
    }

    [Fact]
    public void Buckets_KeepSimilarLengthsInOneRun()
    {
        int[] lengths = [12, 14, 10, 15, 11, 13];

        var buckets = BatchPlan.Buckets(lengths, maxPaddingPercent: 25);

        Assert.Single(buckets);
        Assert.Equal([0, 1, 2, 3, 4, 5], buckets[0].Order());
    }

    [Fact]
    public void Buckets_WithNoPaddingAllowed_GroupOnlyEqualLengths()
    {
        var buckets = BatchPlan.Buckets([5, 6, 5, 6], maxPaddingPercent: 0);

        Assert.Equal([[0, 2], [1, 3]], buckets);
    }

    [Fact]
    public void Create_SpreadsOneBucketOverTheWorkers_EveryInputOnce()
    {
        var lengths = Enumerable.Repeat(12, 32).ToArray();

        var plan = BatchPlan.Create(lengths, 25, workers: 2);

        Assert.Equal(2, plan.Length);
        Assert.All(plan, worker => Assert.Equal(16, worker.Sum(part => part.Length)));
        Assert.Equal(Enumerable.Range(0, 32), plan.SelectMany(w => w.SelectMany(p => p)).Order());
    }

    [Fact]
    public void Create_BalancesBucketsByPositions()
    {
        // One long input costs as much as the eight short ones together.
        int[] lengths = [100, 12, 12, 12, 12, 12, 12, 12, 12];

        var plan = BatchPlan.Create(lengths, 25, workers: 2);

        var longWorker = Assert.Single(plan, w => w.Any(p => p.Contains(0)));
        Assert.Equal([[0]], longWorker);
        Assert.Equal(8, plan.Single(w => w != longWorker).Sum(p => p.Length));
    }

    [Fact]
    public void Create_OneInput_OneWorkerOneRun()
    {
        var plan = BatchPlan.Create([7], 25, workers: 4);

        Assert.Equal([[[0]]], plan);
    }
}
