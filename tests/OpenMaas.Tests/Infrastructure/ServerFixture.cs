using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Tokens;
using OpenMaas.Server.Cli;
using OpenMaas.Server.Hosting;

namespace OpenMaas.Tests.Infrastructure;

/// <summary>
/// The real server on loopback (Kestrel, a random port) with its own temp data folder and stories260K registered as
/// karpathy/stories260K. Subclass or pass settings to change configuration.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public Uri V1 => new(BaseAddress, "/v1/");

    public IServiceProvider Services => _app!.Services;

    /// <summary>The bearer token tests call /v1 with: an access token of the account <c>tester</c>.</summary>
    public string ApiKey { get; protected set; } = string.Empty;

    /// <summary>Configuration overrides (<c>Key=Value</c>).</summary>
    protected virtual IEnumerable<string> Settings => [];

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <param name="drainResponses">False: a response disposed before its end closes the connection at once, as a
    /// browser tab or a killed client would (by default the handler reads up to 1 MiB of it to reuse the connection).</param>
    public HttpClient CreateClient(bool drainResponses = true)
    {
        var handler = new SocketsHttpHandler();
        if (!drainResponses)
        {
            handler.MaxResponseDrainSize = 0;
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataPath);
        var database = await TestDatabase.ForFixtureAsync(DataPath);
        string[] args =
        [
            "--Server:Urls=http://127.0.0.1:0",
            $"--Data:Path={DataPath}",
            .. database is null ? Array.Empty<string>() : [$"--ConnectionStrings:Default={database}"],
            "--Logging:LogLevel:Default=Warning",
            "--Onnx:BuiltInEmbeddingModel=false", // the ONNX fixtures turn it on; the library tests count their own models
            .. Settings.Select(s => "--" + s),
        ];
        _app = ServerApp.Build(args, ConfigureServices);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        ApiKey = (await CreateUserAsync("tester")).Token;
        if (RegisterStories)
        {
            await RegisterModelAsync(TestAssets.StoriesGguf, TestAssets.StoriesId, link: true);
        }

        await SeedAsync();
    }

    /// <summary>False for an empty instance (e.g. the destination of a pull).</summary>
    protected virtual bool RegisterStories => true;

    /// <summary>Runs after the server started and stories260K was registered.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task RegisterModelAsync(string path, string id, bool link, string task = "text-generation", OpenMaas.Core.Catalog.ModelCardChange? card = null)
    {
        var registrar = Services.GetRequiredService<ModelRegistrar>();
        var rc = await registrar.AddAsync(new ModelRegistrar.Request(new FileInfo(path), id, task, link, card), TextWriter.Null, TextWriter.Null, CancellationToken.None);
        if (rc != 0)
        {
            throw new InvalidOperationException($"Registering {id} failed with {rc}.");
        }
    }

    /// <summary>Creates an account (password = name + "-password") and an access token for it.</summary>
    public async Task<(UserAccount User, string Token)> CreateUserAsync(string name, bool admin = false)
    {
        var user = await Services.GetRequiredService<IAccountService>().CreateAsync(name, name + "-password", admin)
            ?? throw new InvalidOperationException($"User {name} exists.");
        var token = await Services.GetRequiredService<ITokenService>().CreateAsync(user.Id, "tests", null);
        return (user, token.Text);
    }

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
