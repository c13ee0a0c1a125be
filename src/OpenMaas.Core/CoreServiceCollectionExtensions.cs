using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMaas.Core.Audit;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hosting;
using OpenMaas.Core.Library;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Responses;
using OpenMaas.Core.Settings;
using OpenMaas.Core.Storage;
using OpenMaas.Core.Upstream;

namespace OpenMaas.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers options, storage, the catalog and the clock shared by the CLI and the server.</summary>
    public static IServiceCollection AddOpenMaasCore(this IServiceCollection services)
    {
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOpenMaasStorage();
        services.AddOptions<LibraryOptions>().BindConfiguration(LibraryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<DownloadCalendar>();
        services.TryAddSingleton<IApiInferencePolicy, ApiInferencePolicy>();
        services.TryAddSingleton<IModelPopularity, ModelPopularity>();
        services.TryAddSingleton<IModelCatalog, ModelCatalog>();
        services.AddOpenMaasAudit();
        services.AddOpenMaasAccounts();
        services.TryAddSingleton<IOrganizationService, OrganizationService>();
        services.AddOpenMaasUpstreamStore();
        services.TryAddSingleton<ISiteSettings, SiteSettings>();
        services.AddOptions<ResponsesOptions>().BindConfiguration(ResponsesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IResponseStore, ResponseStore>();
        services.TryAddSingleton(sp => new Tasks.InferenceTaskStore(
            sp.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>(), sp.GetRequiredService<DbConnections>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>The one initialisation step, run before anything uses the domain: by the server's first hosted service
    /// (before Kestrel listens) and by each CLI verb before it runs. It brings the database to this version's schema;
    /// the services themselves never initialise lazily.</summary>
    public static Task InitializeOpenMaasAsync(this IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<DatabaseInitializer>().InitializeAsync(ct);
}
