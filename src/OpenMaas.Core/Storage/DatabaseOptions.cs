using System.ComponentModel.DataAnnotations;

namespace OpenMaas.Core.Storage;

/// <summary>How the database is kept (section <c>Database</c>); where it is comes from <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the database is first used (the server at start, a CLI verb on its
    /// first query). Off for operators who run <c>openmaas migrate</c> by hand: a pending migration then stops start-up.</summary>
    public bool MigrateAtStart { get; set; } = true;

    /// <summary>
    /// PostgreSQL: the most connections one process (a node, a CLI verb) holds, applied as Npgsql's
    /// <c>Maximum Pool Size</c> unless the connection string sets one. Every node shares the server's
    /// <c>max_connections</c> (100 by default): keep nodes × this + the CLI's below it, or put PgBouncer in between.
    /// </summary>
    [Range(2, 1000)]
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>
    /// PostgreSQL: seconds a call waits for a connection (a free one in the pool, or a new one from the server) before it
    /// fails closed with 503 + <c>Retry-After</c>; applied as Npgsql's <c>Timeout</c> unless the connection string sets one.
    /// </summary>
    [Range(1, 300)]
    public int ConnectionWaitSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds <c>/readyz</c> answers 503 ("storage") after a write failed for the storage's sake — the disk full, the data
    /// folder read-only, an I/O error — so a load balancer sends the calls to other nodes; then it is ready again and the
    /// next write tells (a disk with space again serves at once, a read-only one fails again).
    /// </summary>
    [Range(1, 3600)]
    public int StorageFaultUnreadySeconds { get; set; } = 10;
}
