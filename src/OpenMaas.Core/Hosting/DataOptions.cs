using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Hosting;

/// <summary>Where OpenMaaS keeps its state: the database, the model store, logs.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>The data folder shared by the server and the CLI (default <c>./data</c>, env <c>OPENMAAS_DATA</c>).</summary>
    [Required]
    public string Path { get; set; } = "data";

    /// <summary>The SQLite database file inside the data folder.</summary>
    public string DatabaseFile => System.IO.Path.Combine(FullPath, "openmaas.db");

    /// <summary>Where copied model files live.</summary>
    public string ModelsFolder => System.IO.Path.Combine(FullPath, "models");

    public string FullPath => System.IO.Path.GetFullPath(Path);
}
