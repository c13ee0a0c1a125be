using System.Diagnostics.Metrics;
using OpenMaas.Core.Diagnostics;
using OpenMaas.Inference.Llama;
using OpenTelemetry.Metrics;

namespace OpenMaas.Server.Operations;

/// <summary>Health, readiness, Prometheus metrics, the added-time header and graceful shutdown.</summary>
internal static class OperationsExtensions
{
    public static WebApplicationBuilder AddOpenMaasOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var operations = builder.Configuration.GetSection(OperationsOptions.Section).Get<OperationsOptions>() ?? new OperationsOptions();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(operations.DrainTimeoutSeconds + operations.DrainDelaySeconds + 10));
        builder.Services.AddSingleton<ReadinessState>();
        builder.Services.AddHostedService<DrainService>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(OpenMaasMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication UseOpenMaasOperations(this WebApplication app)
    {
        app.UseMiddleware<AddedTimeMiddleware>();
        app.MapHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        var runtime = app.Services.GetRequiredService<LlamaRuntime>();
        OpenMaasMeter.Gauge("openmaas.model.sequences.active", "{sequence}", "Sequences decoding per loaded model",
            () => runtime.Loaded.Select(m => new Measurement<long>(m.ActiveSequences, new KeyValuePair<string, object?>("model", m.Id))));
        OpenMaasMeter.Gauge("openmaas.model.queue.depth", "{request}", "Requests waiting per loaded model",
            () => runtime.Loaded.Select(m => new Measurement<long>(m.QueuedSequences, new KeyValuePair<string, object?>("model", m.Id))));
        OpenMaasMeter.Gauge("openmaas.model.memory", "By", "Estimated memory per loaded model",
            () => runtime.Loaded.Select(m => new Measurement<long>(m.EstimatedBytes, new KeyValuePair<string, object?>("model", m.Id))));
        OpenMaasMeter.Gauge("openmaas.models.loaded", "{model}", "Loaded local models",
            () => [new Measurement<long>(runtime.Loaded.Count)]);
        return app;
    }
}
