using System.Security.Cryptography;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Server.Auth;

/// <summary>On first start with no accounts, creates <c>admin</c> with the password from
/// <c>OPENMAAS_ADMIN_PASSWORD</c> or a random one printed once on the console (never logged).</summary>
internal sealed class AdminBootstrapper(IAccountService accounts, ILogger<AdminBootstrapper> logger) : IHostedService
{
    private const string AdminName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await accounts.AnyAsync(cancellationToken))
        {
            return;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("OPENMAAS_ADMIN_PASSWORD") is { Length: > 0 };
        var password = fromEnvironment
            ? Environment.GetEnvironmentVariable("OPENMAAS_ADMIN_PASSWORD")!
            : RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20);
        if (AccountRules.CheckPassword(password) is { } refused)
        {
            throw new InvalidOperationException($"OPENMAAS_ADMIN_PASSWORD: {refused.Message}");
        }

        if (await accounts.CreateAsync(AdminName, password, admin: true, cancellationToken) is null)
        {
            return; // the CLI created it meanwhile
        }

        AuthLog.AdminCreated(logger, AdminName);
        if (!fromEnvironment)
        {
            await Console.Out.WriteLineAsync($"""

                ==============================================================
                 OpenMaaS created the account 'admin' with the password:

                     {password}

                 It is shown only this once. Sign in and keep it safe.
                ==============================================================

                """);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
