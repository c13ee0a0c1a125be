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
}
