using Microsoft.Extensions.Options;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Protocols.AccountApi;
using OpenMaas.Server.Operations;
using OpenMaas.Server.Runtimes.Onnx;

namespace OpenMaas.Server.Hosting;

/// <summary>Builds the web application; used by <c>openmaas serve</c> and by the functional tests.</summary>
public static class ServerApp
{
    /// <param name="args">Configuration overrides in <c>--Key=Value</c> form.</param>
    /// <param name="configureServices">Test hook: replace services (e.g. a fake <see cref="TimeProvider"/>).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("OPENMAAS_");
        builder.Configuration.AddCommandLine(args);

        builder.AddOpenMaasServer();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseOpenMaasOperations();
        app.MapOpenMaas();
        return app;
    }

    private static void AddOpenMaasServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var server = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        builder.WebHost.UseUrls(server.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes;
            k.Limits.MaxConcurrentConnections = server.MaxConnections;
            k.Limits.MaxConcurrentUpgradedConnections = server.MaxConnections;
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(server.KeepAliveSeconds);
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(server.RequestHeadersTimeoutSeconds);
            k.Limits.MinRequestBodyDataRate = new(server.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            k.AddServerHeader = false;
            k.ConfigureEndpointDefaults(listen => listen.Use(Kestrel.RejectedRequestShaping.Wrap));
        });
        // First: no hosted service (the domain's own, e.g. the engines' health rounds, included) starts before the
        // database is ready.
        builder.Services.AddHostedService<DatabaseStartup>();
        // Who the audit log names: the request's user (registered before the domain's default, the system).
        builder.Services.AddSingleton<OpenMaas.Core.Audit.IAuditActor, HttpAuditActor>();
        // The domain, composed as for every CLI verb; what follows is what only a running server needs.
        builder.Services.AddOpenMaasDomain(builder.Configuration);
        builder.AddOpenMaasAuth();
        builder.Services.AddOpenMaasMetering();
        builder.Services.AddOpenMaasClusterMetering(builder.Configuration);
        builder.Services.AddSingleton<UsageReporter>();
        builder.Services.AddOpenMaasEndpoints();
        builder.Services.AddHostedService<StartupBanner>();
        builder.AddOpenMaasOperations();
        builder.Services.AddHostedService<BuiltInModelsSeeder>();
    }
}
