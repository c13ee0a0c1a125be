using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Bench.Quota;

/// <summary>Times the per-request database reads of the quota path (token check, limits) on a real data folder.</summary>
internal static class StorageProbe
{
    public static async Task RunAsync(string data)
    {
        var services = BenchServices.Create(data);
        var accounts = services.GetRequiredService<IAccountService>();
        var user = await accounts.FindAsync("probe") ?? await accounts.CreateAsync("probe", null, false);
        var token = (await services.GetRequiredService<ITokenService>().CreateAsync(user!.Id, "probe", null)).Text;
        var tokens = services.GetRequiredService<ITokenService>();
        var limits = services.GetRequiredService<IQuotaLimits>();
        for (var round = 0; round < 3; round++)
        {
            await TimeAsync("token check", () => tokens.CheckAsync(token));
            await TimeAsync("unknown token", () => tokens.CheckAsync("ms-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
            await TimeAsync("limits", () => limits.ResolveAsync(user.Id, "karpathy/stories260K"));
        }

        var sw = Stopwatch.StartNew();
        await Parallel.ForAsync(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) => await tokens.CheckAsync(token, ct));
        Console.WriteLine($"token check x32 parallel: {20_000 / sw.Elapsed.TotalSeconds:F0} calls/s");
    }

    private static async Task TimeAsync<T>(string name, Func<Task<T>> action)
    {
        const int N = 2000;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            await action();
        }

        Console.WriteLine($"{name,-14} {sw.Elapsed.TotalMicroseconds / N,8:F1} µs/call");
    }
}
