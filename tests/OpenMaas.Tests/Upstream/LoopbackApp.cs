using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenMaas.Tests.Upstream;

/// <summary>A scripted engine's web app: real Kestrel on a free loopback port, quiet.</summary>
internal static class LoopbackApp
{
    /// <summary>Builds the app, lets <paramref name="map"/> add its routes, starts it; returns it with its <c>/v1</c> URL.</summary>
    public static async Task<(WebApplication App, Uri V1)> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1"));
    }
}
