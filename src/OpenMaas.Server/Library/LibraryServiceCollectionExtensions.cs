namespace OpenMaas.Server.Library;

internal static class LibraryServiceCollectionExtensions
{
    public static IServiceCollection AddOpenMaasLibrary(this IServiceCollection services)
    {
        services.AddSingleton<ModelCardRenderer>();
        services.AddHostedService<ApiInferenceRefresher>();
        return services;
    }
}
