namespace OpenMaas.Core.Storage;

/// <summary>How the database is kept (section <c>Database</c>); where it is comes from <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the database is first used (the server at start, a CLI verb on its
    /// first query). Off for operators who run <c>openmaas migrate</c> by hand: a pending migration then stops start-up.</summary>
    public bool MigrateAtStart { get; set; } = true;
}
