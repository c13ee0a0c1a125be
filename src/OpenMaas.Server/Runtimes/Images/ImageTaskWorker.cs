using Microsoft.Extensions.Options;
using OpenMaas.Core.Tasks;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>
/// Runs async image tasks on this node, at most <see cref="ImageOptions.Workers"/> at once: claims pending tasks (its
/// own submissions at once, others' and those a restart left within <see cref="ImageOptions.PollMilliseconds"/>), sends
/// them to the engines, keeps the images and records the outcome; beats while a task runs, and fails (and refunds) a
/// running task whose node stopped beating for <see cref="ImageOptions.TaskTimeoutSeconds"/>.
/// </summary>
internal sealed class ImageTaskWorker(
    InferenceTaskStore store, ImageTasks tasks, EngineImages engines, ImageStore images, IOptions<ImageOptions> options, TimeProvider clock,
    ILogger<ImageTaskWorker> logger) : BackgroundService
{
    private readonly string _node = $"{Environment.MachineName}/{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var slots = new SemaphoreSlim(o.Workers);
        var running = new List<Task>();
        var lastExpiry = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() - lastExpiry > TimeSpan.FromSeconds(Math.Min(5, o.TaskTimeoutSeconds)))
                {
                    lastExpiry = clock.GetUtcNow();
                    foreach (var stale in await store.StaleAsync(lastExpiry.AddSeconds(-o.TaskTimeoutSeconds), stoppingToken))
                    {
                        await tasks.FailAsync(stale, "task_timeout", "The node running the task stopped; the task was given up and its call refunded.", stoppingToken);
                    }
                }

                if (slots.CurrentCount > 0)
                {
                    foreach (var id in await store.PendingAsync(slots.CurrentCount, stoppingToken))
                    {
                        if (await store.TryClaimAsync(id, _node, stoppingToken))
                        {
                            await slots.WaitAsync(stoppingToken);
                            running.Add(RunAsync(id, slots, stoppingToken));
                        }
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                ImageTaskLog.RoundFailed(logger, e);
            }

            running.RemoveAll(t => t.IsCompleted);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(o.PollMilliseconds);
            try
            {
                await tasks.Submitted.WaitToReadAsync(wait.Token);
                tasks.Submitted.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // the poll interval is over
            }
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task RunAsync(string id, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var beat = new CancellationTokenSource();
        var heart = BeatAsync(id, beat.Token);
        try
        {
            var task = await store.FindAsync(id, stoppingToken) ?? throw new InvalidOperationException($"task {id} vanished");
            var generated = await engines.GenerateAsync(task.ModelId, "images/generations", EngineImages.Json(task.Request), task.RequestId, stoppingToken);
            var names = new List<string>(generated.Count);
            foreach (var image in generated)
            {
                names.Add(await images.SaveAsync(task.UserId, image, stoppingToken));
            }

            await store.SucceedAsync(id, names, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // This node stops: the task stays RUNNING and is failed (and refunded) after the timeout by a live node.
        }
        catch (CallException e)
        {
            await tasks.FailAsync(id, e.Code ?? "task_failed", e.Message, CancellationToken.None);
        }
        catch (Exception e)
        {
            ImageTaskLog.Crashed(logger, id, e);
            await tasks.FailAsync(id, "internal_error", "The task failed on the server.", CancellationToken.None);
        }
        finally
        {
            await beat.CancelAsync();
            await heart.ContinueWith(_ => { }, TaskScheduler.Default);
            slots.Release();
        }
    }

    private async Task BeatAsync(string id, CancellationToken ct)
    {
        var every = TimeSpan.FromSeconds(Math.Max(0.5, options.Value.TaskTimeoutSeconds / 4.0));
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, clock, ct);
            await store.HeartbeatAsync(id, ct);
        }
    }
}
