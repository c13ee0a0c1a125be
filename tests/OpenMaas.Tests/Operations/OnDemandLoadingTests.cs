using System.Net;
using System.Net.Http.Json;
using OpenMaas.Inference.Onnx.Embeddings;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Operations;

/// <summary>The real <c>openmaas serve</c> process loads what is configured, when it is first needed (issue 20's memory
/// item): llama.cpp at the first GGUF call, ONNX Runtime at the first call to an ONNX model (the built-in MiniLM),
/// and never the Redis client, the OpenID Connect handler or (on SQLite) the PostgreSQL client when none is configured.
/// What the process has loaded is read from <c>/proc/PID/maps</c>.</summary>
[Trait("Category", "Slow")]
public sealed class OnDemandLoadingTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Serve_LoadsOptionalPartsOnlyWhenConfiguredAndFirstCalled()
    {
        Directory.CreateDirectory(_data);
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "model", "add", TestAssets.StoriesGguf, "--id", TestAssets.StoriesId, "--link")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync(_data, null, "user", "add", "lazy")).ExitCode);
        var token = (await Cli.RunAsync(_data, null, "token", "create", "--user", "lazy")).Stdout.Trim();
        using var server = await OpenMaasProcess.StartAsync(_data);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);

        using (var completion = await http.PostAsJsonAsync("/v1/completions", new { model = TestAssets.StoriesId, prompt = "Once upon a time", max_tokens = 5 }))
        {
            Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        }

        var loaded = Mapped(server.Process.Id);
        Assert.Contains(loaded, f => f.Contains("libllama", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded, f => f.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(loaded, f => f.EndsWith("StackExchange.Redis.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded, f => f.EndsWith("Microsoft.AspNetCore.Authentication.OpenIdConnect.dll", StringComparison.Ordinal));
        if (TestDatabase.Of(_data) is null)
        {
            Assert.DoesNotContain(loaded, f => f.EndsWith("Npgsql.dll", StringComparison.Ordinal));
        }

        using (var embedding = await http.PostAsJsonAsync("/v1/embeddings", new { model = EmbeddedModelPackage.MiniLmId, input = "The quick brown fox." }))
        {
            Assert.Equal(HttpStatusCode.OK, embedding.StatusCode);
        }

        Assert.Contains(Mapped(server.Process.Id), f => f.EndsWith("libonnxruntime.so", StringComparison.Ordinal));
    }

    // The files mapped into the process: its native libraries and assemblies.
    private static List<string> Mapped(int pid) => File.ReadLines($"/proc/{pid}/maps")
        .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
        .Where(parts => parts.Length == 6)
        .Select(parts => parts[5].Trim())
        .Distinct(StringComparer.Ordinal)
        .ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
