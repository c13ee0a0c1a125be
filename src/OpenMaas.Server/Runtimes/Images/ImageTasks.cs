using System.Security.Cryptography;
using System.Threading.Channels;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tasks;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Server.Runtimes.Images;

/// <summary>
/// ModelScope's async mode for images: a submission becomes a durable task (any node's <see cref="ImageTaskWorker"/>
/// runs it), counted as one call when submitted and refunded once if it fails — the counter and the submission's usage
/// record both, so counters rebuilt from the log agree. The refund gives back the units in every daily pool the call was
/// counted in (user, user and model, token, organisation, member); its per-minute request is not given back (a task
/// fails after its minute window, as a rule).
/// </summary>
internal sealed class ImageTasks(InferenceTaskStore store, IQuotaCounter counter, IModelCatalog catalog, TimeProvider clock, ILogger<ImageTasks> logger)
{
    /// <summary>The request header that asks for the async mode.</summary>
    public const string AsyncHeader = "X-ModelScope-Async-Mode";

    /// <summary>The task type of image generation (header <c>X-ModelScope-Task-Type</c> on a poll).</summary>
    public const string Kind = "image_generation";

    private readonly Channel<bool> _submitted = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the local worker when a task was submitted here.</summary>
    public ChannelReader<bool> Submitted => _submitted.Reader;

    public static bool AsyncRequested(HttpRequest request) =>
        request.Headers[AsyncHeader] is [{ } value] && value.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Stores the admitted call as a pending task; returns its id and the request id.</summary>
    public async Task<(string TaskId, string RequestId)> SubmitAsync(HttpContext http, AdmittedCall<PreparedImages> call, ReadOnlyMemory<byte> json)
    {
        var now = clock.GetUtcNow();
        var task = new InferenceTask
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Kind = Kind,
            UserId = call.Call.Caller.UserId() ?? 0,
            TokenId = call.Call.Caller.TokenId(),
            ModelId = call.Prepared.ModelId,
            QuotaDay = call.Metered ? call.QuotaDay : null,
            RequestId = QuotaAdmission.RequestId(http), // the id the call's usage record carries
            Request = json.ToArray(),
            CreatedAt = now,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
        };
        await store.AddAsync(task, CancellationToken.None);
        call.Call.MarkFirstOutput(now);
        _submitted.Writer.TryWrite(true);
        ImageTaskLog.Submitted(logger, task.Id, task.ModelId);
        return (task.Id, task.RequestId);
    }

    /// <summary>Fails the task unless it already ended; the one caller that failed it refunds it.</summary>
    public async Task FailAsync(string id, string code, string message, CancellationToken ct)
    {
        if (!await store.FailAsync(id, code, message, ct) || await store.FindAsync(id, ct) is not { } task)
        {
            return;
        }

        ImageTaskLog.Failed(logger, id, task.ModelId, code);
        if (task.QuotaDay is not { } day)
        {
            return;
        }

        // The submission's usage record says what was counted: its units and the organisation whose pools (shared and
        // member) it was counted in, so the refund gives back every pool a failed chat call's refund does. It is
        // committed before the submission's answer ended; a task that fails at once may come first.
        RefundedUsage? counted = null;
        for (var i = 0; i < 100 && (counted = await store.CountedUsageAsync(task, ct)) is null; i++)
        {
            await Task.Delay(50, ct);
        }

        // No record after all that (it was lost): give back what the task knows, the model's weight in the user's pools.
        var units = counted?.Units ?? Math.Max(1, (await catalog.FindAsync(task.ModelId, ct))?.Weight ?? 1);
        var key = new QuotaKey(task.UserId, task.ModelId, day, task.TokenId, counted?.OrganizationId);
        await counter.RefundAsync(key, CallCost.One with { Units = units }, default, ct);
        await store.RefundUsageAsync(task, ct); // after the counter: once the log says refunded, the counters agree
    }
}

internal static partial class ImageTaskLog
{
    [LoggerMessage(4300, LogLevel.Information, "Image task {TaskId} submitted for {ModelId}")]
    public static partial void Submitted(ILogger logger, string taskId, string modelId);

    [LoggerMessage(4301, LogLevel.Warning, "Image task {TaskId} of {ModelId} failed ({Code}); its call is refunded")]
    public static partial void Failed(ILogger logger, string taskId, string modelId, string code);

    [LoggerMessage(4302, LogLevel.Error, "Image task {TaskId} failed unexpectedly")]
    public static partial void Crashed(ILogger logger, string taskId, Exception error);

    [LoggerMessage(4303, LogLevel.Warning, "The image task worker's round failed; it retries")]
    public static partial void RoundFailed(ILogger logger, Exception error);

    [LoggerMessage(4304, LogLevel.Information, "Removed {Count} finished image tasks past their retention")]
    public static partial void Removed(ILogger logger, int count);

    [LoggerMessage(4305, LogLevel.Warning, "Removing expired image tasks failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
