using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Hosting;
using OpenMaas.Server.Runtimes.Images;
using OpenMaas.Tests.Upstream;

namespace OpenMaas.Tests.Images;

/// <summary>Who opens a kept image: its owner, or a signed link until it expires; nothing outside the folder; old
/// images are swept.</summary>
public sealed class ImageStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "openmaas-tests", "images-" + Guid.NewGuid().ToString("N"));
    // Starts at the real time: the time-limited data protector also checks a link's expiry against the system clock, so
    // a fixed start date made the signed-link test fail once the real clock passed it (2026-12-02 09:00 UTC).
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ImageStore _store;

    public ImageStoreTests() => _store = new ImageStore(
        Options.Create(new ImageOptions { Directory = _folder, LinkMinutes = 60, RetentionHours = 24 }),
        Options.Create(new DataOptions()),
        new EphemeralDataProtectionProvider(),
        _clock);

    [Fact]
    public async Task TheOwner_OpensItWithoutASignature_OthersDoNot()
    {
        var name = await _store.SaveAsync(42, new GeneratedImage(ScriptedMediaEngine.Png, "image/png"), CancellationToken.None);

        Assert.StartsWith("42-", name);
        Assert.EndsWith(".png", name);
        Assert.NotNull(_store.Open(name, 42, null));
        Assert.Null(_store.Open(name, 4, null));
        Assert.Null(_store.Open(name, 420, null));
        Assert.Null(_store.Open(name, null, null));
    }

    [Fact]
    public async Task ASignedLink_OpensItForAnyone_UntilItExpires_AndOnlyThatImage()
    {
        var name = await _store.SaveAsync(42, new GeneratedImage(ScriptedMediaEngine.Png, "image/png"), CancellationToken.None);
        var other = await _store.SaveAsync(42, new GeneratedImage(ScriptedMediaEngine.Png, "image/png"), CancellationToken.None);
        var signature = _store.Signature(name);

        Assert.NotNull(_store.Open(name, null, signature));
        Assert.Null(_store.Open(other, null, signature));
        _clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(_store.Open(name, null, signature));
        Assert.NotNull(_store.Open(name, 42, null));
    }

    [Theory]
    [InlineData("../openmaas.db")]
    [InlineData("42-../../etc/passwd")]
    [InlineData("42-0123456789abcdef0123456789abcdef.exe")]
    [InlineData("x-0123456789abcdef0123456789abcdef.png")]
    public void NamesThatAreNotImages_AreNeverOpened(string name) => Assert.Null(_store.Open(name, 42, null));

    [Fact]
    public async Task ImagesOlderThanTheRetention_AreSwept_OnALaterSave()
    {
        var old = await _store.SaveAsync(1, new GeneratedImage(ScriptedMediaEngine.Png, "image/png"), CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_folder, old), _clock.GetUtcNow().UtcDateTime.AddHours(-25));
        _clock.Advance(TimeSpan.FromMinutes(2));

        var fresh = await _store.SaveAsync(1, new GeneratedImage(ScriptedMediaEngine.Png, "image/png"), CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(_folder, old)));
        Assert.True(File.Exists(Path.Combine(_folder, fresh)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
