using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Bench.Quota;

/// <summary>The two lookups of every /v1 call, served from the stamp-guarded caches: token check, then limits.</summary>
[MemoryDiagnoser]
public class TokenCheckBenchmarks
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-bench-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private ITokenService _tokens = null!;
    private IQuotaLimits _limits = null!;
    private string _token = string.Empty;
    private long _userId;

    [GlobalSetup]
    public void Setup()
    {
        _services = BenchServices.Create(_data);
        _tokens = _services.GetRequiredService<ITokenService>();
        _limits = _services.GetRequiredService<IQuotaLimits>();
        _userId = _services.GetRequiredService<IAccountService>().CreateAsync("bench", null, admin: false).Result!.Id;
        _token = _tokens.CreateAsync(_userId, null, null).Result.Text;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public bool CheckToken_Cached() => _tokens.CheckAsync(_token).Result.IsValid;

    [Benchmark]
    public int ResolveLimits_Cached() => _limits.ResolveAsync(_userId, "karpathy/stories260K").Result.Daily;
}
