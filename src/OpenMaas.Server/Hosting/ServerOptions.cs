using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Server.Hosting;

public sealed class ServerOptions
{
    public const string Section = "Server";

    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:8800";

    /// <summary>Largest request body accepted (413 beyond it).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Open connections at once (idle keep-alive ones included); beyond it new connections are closed at once.
    /// Each costs a socket and a few KiB: the bound keeps 10,000 idle clients from exhausting descriptors or memory.</summary>
    [Range(16, 1_000_000)]
    public int MaxConnections { get; set; } = 4096;

    /// <summary>How long an idle keep-alive connection is kept.</summary>
    [Range(1, 3600)]
    public int KeepAliveSeconds { get; set; } = 120;

    /// <summary>Time allowed for a request's headers to arrive (a slow-headers client is cut off after it).</summary>
    [Range(1, 600)]
    public int RequestHeadersTimeoutSeconds { get; set; } = 30;

    /// <summary>Slowest accepted request body upload after a 5 s grace (a trickling client is cut off with 408).</summary>
    [Range(1, 1_000_000)]
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;
}
