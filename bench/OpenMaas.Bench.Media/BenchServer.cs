using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Hosting;

namespace OpenMaas.Bench.Media;

/// <summary>The real server in this process (Kestrel on a free loopback port, a temp data folder deleted at the end,
/// token + quota on: the product path) and a client with a token of its user <c>bench</c>.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private BenchServer(WebApplication app, string data, HttpClient client, long userId)
    {
        _app = app;
        _data = data;
        Client = client;
        UserId = userId;
    }

    public HttpClient Client { get; }

    public long UserId { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The server's data folder (for the CLI: <c>openmaas model add … --data</c>).</summary>
    public string DataPath => _data;

    public static async Task<BenchServer> StartAsync(params string[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "openmaas-bench-media-" + Guid.NewGuid().ToString("N"));
        var app = ServerApp.Build(
            ["--Server:Urls=http://127.0.0.1:0", $"--Data:Path={data}", "--Logging:LogLevel:Default=Warning", "--Quota:DailyCalls=1000000", .. settings.Select(s => "--" + s)],
            _ => { });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var user = await app.Services.GetRequiredService<IAccountService>().CreateAsync("bench", "bench-password", false)
            ?? throw new InvalidOperationException("no user");
        var token = await app.Services.GetRequiredService<ITokenService>().CreateAsync(user.Id, "bench", null);
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Text);
        return new BenchServer(app, data, client, user.Id);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // a file still open; the temp folder is the OS's to clean
        }
    }
}

internal static class Stats
{
    public static double Percentile(IEnumerable<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
}
