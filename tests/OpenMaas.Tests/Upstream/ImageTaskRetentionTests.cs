using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Tasks;
using OpenMaas.Server.Runtimes.Images;

namespace OpenMaas.Tests.Upstream;

/// <summary>The retention of async image tasks on a fake clock (the domain alone, on the real database of a data
/// folder: a server's timers would all fire on a two-day jump): finished tasks older than
/// <c>Images:TaskRetentionHours</c> go with their images still on disk; newer ones, and unfinished ones, stay.</summary>
public sealed class ImageTaskRetentionTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));
    // Starts at the real time: the image store's own sweep compares file times (real) with this clock.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Path"] = _data }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton<TimeProvider>(_clock).AddLogging().AddOpenMaasCore().BuildServiceProvider();
        await _services.InitializeOpenMaasAsync();
    }

    [Fact]
    public async Task FinishedTasks_PastTheRetention_AreRemoved_WithTheirImages_OthersStay()
    {
        var options = Options.Create(new ImageOptions { RetentionHours = 48, TaskRetentionHours = 48 });
        var images = new ImageStore(options, _services.GetRequiredService<IOptions<DataOptions>>(), new EphemeralDataProtectionProvider(), _clock);
        var store = _services.GetRequiredService<InferenceTaskStore>();
        var retention = new ImageTaskRetention(store, images, new LocalLease(), options, _clock, NullLogger<ImageTaskRetention>.Instance);

        var oldDone = await AddAsync(store, images, TaskStatuses.Succeeded, withImage: true);
        var oldFailed = await AddAsync(store, images, TaskStatuses.Failed, withImage: false);
        var oldRunning = await AddAsync(store, images, TaskStatuses.Running, withImage: false);
        _clock.Advance(TimeSpan.FromHours(47));
        var newDone = await AddAsync(store, images, TaskStatuses.Succeeded, withImage: true);

        Assert.Equal(0, await retention.RunOnceAsync(CancellationToken.None)); // 47 h: nothing is past 48 h yet
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await retention.RunOnceAsync(CancellationToken.None));

        Assert.Null(await store.PollAsync(oldDone.Id));
        Assert.Null(await store.PollAsync(oldFailed.Id));
        Assert.Equal(TaskStatuses.Running, (await store.PollAsync(oldRunning.Id))?.Status);
        Assert.Equal(TaskStatuses.Succeeded, (await store.PollAsync(newDone.Id))?.Status);
        Assert.False(File.Exists(Path.Combine(images.Folder, oldDone.Outputs!)), "the expired task's image is still on disk");
        Assert.True(File.Exists(Path.Combine(images.Folder, newDone.Outputs!)), "the kept task's image is gone");
        Assert.Equal(0, await retention.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public void ATaskRetention_ShorterThanTheImages_IsRefused()
    {
        var options = new ImageOptions { RetentionHours = 48, TaskRetentionHours = 24 };
        var results = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Images:TaskRetentionHours", StringComparison.Ordinal));
    }

    private async Task<InferenceTask> AddAsync(InferenceTaskStore store, ImageStore images, string status, bool withImage)
    {
        var now = _clock.GetUtcNow();
        var name = withImage ? await images.SaveAsync(7, new GeneratedImage(ScriptedMediaEngine.Png, "image/png"), CancellationToken.None) : null;
        var task = new InferenceTask
        {
            Id = Guid.NewGuid().ToString("N"),
            Kind = ImageTasks.Kind,
            UserId = 7,
            ModelId = "test/painter",
            RequestId = "req-" + Guid.NewGuid().ToString("N"),
            Request = "{}"u8.ToArray(),
            Status = status,
            CreatedAt = now,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
            Outputs = name,
        };
        await store.AddAsync(task);
        return task;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
