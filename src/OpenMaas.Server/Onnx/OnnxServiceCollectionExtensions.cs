namespace OpenMaas.Server.Onnx;

internal static class OnnxServiceCollectionExtensions
{
    /// <summary>The built-in models, registered at start.</summary>
    public static IServiceCollection AddOpenMaasBuiltInModels(this IServiceCollection services)
    {
        services.AddSingleton<BuiltInModels>();
        services.AddHostedService<BuiltInModelsSeeder>();
        return services;
    }
}
