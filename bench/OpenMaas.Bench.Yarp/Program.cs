// A minimal YARP 2.3 host: every request to http://127.0.0.1:PORT/{**} is forwarded to UPSTREAM (same path and query),
// with no auth, no quota and no logging: the ceiling a .NET reverse proxy reaches on this machine (bench/gateway).
//
// usage: dotnet OpenMaas.Bench.Yarp.dll PORT UPSTREAM   e.g. 5100 http://127.0.0.1:5000
using System.Net;
using Yarp.ReverseProxy.Forwarder;

if (args.Length != 2 || !int.TryParse(args[0], out var port) || !Uri.TryCreate(args[1], UriKind.Absolute, out var upstream))
{
    Console.Error.WriteLine("usage: OpenMaas.Bench.Yarp PORT UPSTREAM_URL");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
builder.Services.AddHttpForwarder();
var app = builder.Build();

// One pooled invoker, as YARP's docs set up direct forwarding: no proxy, no cookies, no decompression.
using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var destination = upstream.GetLeftPart(UriPartial.Authority);
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
app.Map("/{**catch-all}", async (HttpContext context) =>
{
    var error = await forwarder.SendAsync(context, destination, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Empty);
    if (error != ForwarderError.None && !context.Response.HasStarted)
    {
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }
});
await app.RunAsync();
return 0;
