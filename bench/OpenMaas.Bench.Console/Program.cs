using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Bench.WebConsole;
using OpenMaas.Server.Hosting;

// Console and library API latency with a 10,000-model catalog: server time (first middleware to end of response) per
// scenario, p50/p99 over REQUESTS sequential requests after a warm-up. Usage: dotnet run -c Release [models] [requests]
var models = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
var data = Path.Combine(Path.GetTempPath(), "openmaas-bench-console-" + Guid.NewGuid().ToString("N"));
var timer = new ServerTimer();
await using var app = ServerApp.Build(
    ["--Server:Urls=http://127.0.0.1:0", $"--Data:Path={data}", "--Logging:LogLevel:Default=Warning", "--Library:ReevaluateSeconds=86400"],
    services => services.AddSingleton<IStartupFilter>(timer));
await app.StartAsync();
var seeding = Stopwatch.StartNew();
await Seeder.SeedAsync(app.Services, models);
Console.WriteLine($"Seeded {models:N0} models in {seeding.Elapsed.TotalSeconds:0.0} s");

var baseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(baseAddress) };
(string Name, string Path)[] scenarios =
[
    ("/models first page", "/models"),
    ("/models search", "/models?search=coder"),
    ("/models task filter", "/models?task=text-classification"),
    ("/models API-Inference", "/models?api_inference=true"),
    ("/api/v1/models first page", "/api/v1/models"),
    ("/api/v1/models search", "/api/v1/models?search=coder"),
    ("/api/v1/models task filter", "/api/v1/models?task=text-classification"),
    ("model page", "/models/qwen/chat-base-0"),
];
var modelPage = (await app.Services.GetRequiredService<OpenMaas.Core.Catalog.IModelCatalog>().QueryAsync(new OpenMaas.Core.Catalog.ModelQuery { PageSize = 1 })).Items[0].Id;
scenarios[^1] = ("model page", "/models/" + modelPage);

foreach (var (name, path) in scenarios)
{
    for (var i = 0; i < 30; i++)
    {
        (await http.GetAsync(path)).Dispose(); // warm-up, not recorded
    }
}

for (var round = 0; round < requests; round++)
{
    foreach (var (name, path) in scenarios)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Bench", name);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }
}

Console.WriteLine($"| scenario | p50 ms | p99 ms | n |");
Console.WriteLine($"|---|---:|---:|---:|");
foreach (var (name, _) in scenarios)
{
    var samples = timer.Samples[name].Order().ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Percentile(samples, 0.50):0.00} | {Percentile(samples, 0.99):0.00} | {samples.Length} |"));
}

await app.StopAsync();
Directory.Delete(data, recursive: true);

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
