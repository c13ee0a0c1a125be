using Microsoft.Extensions.Options;

namespace OpenMaas.Server.Operations;

/// <summary>
/// SIGTERM: before anything stops, the node refuses new inference calls (503) and <c>/readyz</c> says 503 for
/// <see cref="OperationsOptions.DrainDelaySeconds"/>; then Kestrel stops listening and waits for running calls (up
/// to the host's shutdown timeout = <see cref="OperationsOptions.DrainTimeoutSeconds"/>); then the usage log flushes.
/// </summary>
internal sealed class DrainService(ReadinessState state, IOptions<OperationsOptions> options, ILogger<DrainService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        state.MarkStarted();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.MarkDraining();
        OperationsLog.Draining(logger, options.Value.DrainDelaySeconds, options.Value.DrainTimeoutSeconds);
        await Task.Delay(TimeSpan.FromSeconds(options.Value.DrainDelaySeconds), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
