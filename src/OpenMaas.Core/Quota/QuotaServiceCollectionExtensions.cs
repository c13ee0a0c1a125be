using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;
using OpenMaas.Core.Usage;

namespace OpenMaas.Core.Quota;

public static class QuotaServiceCollectionExtensions
{
    /// <summary>Accounts, tokens, limits and usage queries: what the CLI and the server both need.</summary>
    public static IServiceCollection AddOpenMaasAccounts(this IServiceCollection services)
    {
        services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.TryAddSingleton<IAccountService, AccountService>();
        services.TryAddSingleton<IExternalAccounts, ExternalAccounts>();
        services.TryAddSingleton<IExternalMembership, Organizations.OrganizationMembershipSync>();
        services.TryAddSingleton<ITokenService, TokenService>();
        services.TryAddSingleton<IQuotaLimits, QuotaLimits>();
        services.TryAddSingleton<IOrganizationNames, OrganizationNames>();
        services.TryAddSingleton<LimitScopeResolver>();
        services.TryAddSingleton<IUsageQueries, UsageQueries>();
        services.TryAddSingleton<QuotaCalendar>();
        return services;
    }

    /// <summary>The server side: the embedded counter (rebuilt from the log at startup) and the group-commit writer.</summary>
    public static IServiceCollection AddOpenMaasMetering(this IServiceCollection services)
    {
        services.AddSingleton<InMemoryQuotaCounter>();
        services.TryAddSingleton<IQuotaCounter>(sp => sp.GetRequiredService<InMemoryQuotaCounter>());
        services.AddHostedService<QuotaCounterRebuilder>();
        services.TryAddSingleton<QuotaBalances>();
        services.AddSingleton<UsageLogWriter>();
        services.TryAddSingleton<IUsageLog>(sp => sp.GetRequiredService<UsageLogWriter>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<UsageLogWriter>());
        return services;
    }
}
