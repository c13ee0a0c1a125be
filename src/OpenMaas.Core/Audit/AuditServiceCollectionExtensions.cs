using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpenMaas.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit log; the actor defaults to <see cref="AuditActor.System"/> unless a front end registered its own.</summary>
    public static IServiceCollection AddOpenMaasAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IAuditActor>(new FixedAuditActor(AuditActor.System));
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        services.TryAddSingleton<IAuditQueries>(sp => sp.GetRequiredService<AuditLog>());
        return services;
    }

    /// <summary>Every event this process records is done by <paramref name="actor"/> (the command line: <c>cli</c>).</summary>
    public static IServiceCollection AddAuditActor(this IServiceCollection services, AuditActor actor) =>
        services.AddSingleton<IAuditActor>(new FixedAuditActor(actor));
}
