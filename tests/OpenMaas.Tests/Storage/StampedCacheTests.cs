using Microsoft.Extensions.Options;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Storage;

namespace OpenMaas.Tests.Storage;

/// <summary>The cache behind token checks and limits: bounded, and dropped whenever the stamp moves, whoever moved it.</summary>
public sealed class StampedCacheTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));
    private readonly AuthStamp _stamp;
    private int _loads;

    public StampedCacheTests() => _stamp = NewStamp();

    [Fact]
    public async Task Cache_NeverHoldsMoreThanItsCapacity()
    {
        var cache = new StampedCache<int, int>(_stamp, capacity: 8);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(i * 2, await GetAsync(cache, i));
            Assert.InRange(cache.Count, 0, 8);
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await GetAsync(cache, (t * 1000) + i);
                Assert.InRange(cache.Count, 0, 8);
            }
        })));
    }

    [Fact]
    public async Task Cache_AnswersFromMemory_UntilTheStampMoves()
    {
        var cache = new StampedCache<int, int>(_stamp, capacity: 8);
        await GetAsync(cache, 1);
        await GetAsync(cache, 1);
        Assert.Equal(1, _loads);

        _stamp.Bump();
        await GetAsync(cache, 1);
        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task AStampBumpedThroughAnotherMapping_DropsTheCacheAtOnce()
    {
        // A second mapping of the same file is what another process (the CLI) has.
        using var other = NewStamp();
        var cache = new StampedCache<int, int>(_stamp, capacity: 8);
        for (var round = 1; round <= 5; round++)
        {
            await GetAsync(cache, 7);
            await GetAsync(cache, 7);
            Assert.Equal(round, _loads);
            other.Bump();
            Assert.Equal(other.Read(), _stamp.Read());
        }
    }

    [Fact]
    public async Task ValuesTheLoaderDoesNotKeep_AreLoadedEveryTime()
    {
        var cache = new StampedCache<int, int>(_stamp, capacity: 8);
        for (var i = 0; i < 3; i++)
        {
            await cache.GetOrLoadAsync(1, this, static (self, key, _) => Task.FromResult((++self._loads, false)), CancellationToken.None);
        }

        Assert.Equal((3, 0), (_loads, cache.Count));
    }

    public void Dispose()
    {
        _stamp.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private AuthStamp NewStamp() => new(Options.Create(new DataOptions { Path = _data }));

    private ValueTask<int> GetAsync(StampedCache<int, int> cache, int key) =>
        cache.GetOrLoadAsync(key, this, static (self, k, _) =>
        {
            Interlocked.Increment(ref self._loads);
            return Task.FromResult((k * 2, true));
        }, CancellationToken.None);
}
