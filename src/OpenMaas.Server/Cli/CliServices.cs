using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Cluster;
using OpenMaas.Core.Hub;
using OpenMaas.Core;
using OpenMaas.Server.Onnx;
using OpenMaas.Server.Runtimes;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Cli;

/// <summary>The services a CLI verb needs, configured like the server (same appsettings, database, Redis).</summary>
internal static class CliServices
{
    public static ServiceProvider Create(ParseResult parse) => Create(CliOptions.Settings(parse));

    public static ServiceProvider Create(string dataPath) => Create([new("Data:Path", dataPath)]);

    public static ServiceProvider Create(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddEnvironmentVariables("OPENMAAS_")
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddOpenMaasCore();
        services.AddOpenMaasCluster(configuration);
        services.AddSingleton<IModelFileInspector, GgufFileInspector>();
        services.AddSingleton<ModelRegistrar>();
        services.AddSingleton<ModelPuller>();
        services.AddSingleton<IModelImporter, OnnxModelImporter>();
        services.AddSingleton<UpstreamRegistrar>();
        services.AddOpenMaasUpstreamServing();
        services.AddOpenMaasInference();
        services.AddSingleton<Onnx.BuiltInModels>();

        // openmaas run: the pipeline's runtime selection and preparation, without HTTP.
        services.AddSingleton<Runtimes.IRuntimeSelector, Runtimes.RuntimeSelector>();
        services.AddSingleton<Pipeline.ICallPreparer<Runtimes.TextGeneration.TextGenerationRequest, Runtimes.TextGeneration.PreparedGeneration>, Runtimes.TextGeneration.TextGenerationPreparer>();
        services.AddSingleton<Runtimes.Tasks.TaskPreparer>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
