using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;

namespace OpenMaas.Core.Storage;

/// <summary>
/// Tells a database that cannot take the call now — no connection free within the wait (the pool full), the server
/// out of connections (PostgreSQL 53300 <c>too_many_connections</c>), starting up or shutting down, unreachable, timed
/// out, SQLite's disk full or read-only — from a fault in the call. The former fails closed with 503 + <c>Retry-After</c> (the call refunded), never 500.
/// </summary>
public static class DatabaseFailure
{
    /// <summary>True when <paramref name="error"/> or an exception inside it (EF Core wraps the provider's) says the
    /// database is unavailable for now.</summary>
    public static bool IsUnavailable(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is DbException db && Classify(db) is { } unavailable)
            {
                return unavailable;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="error"/> says the storage itself failed a write: SQLite's disk full (13), read-only
    /// file or folder (8), I/O error (10) or file not openable (14); PostgreSQL's disk full (53100) or I/O error (58030).
    /// Unlike a full pool or a busy server, that lasts until an operator (or freed space) ends it.</summary>
    public static bool IsStorageFault(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is DbException db)
            {
                return StorageFault(db);
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool StorageFault(DbException e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 8 or 10 or 13 or 14 } => true,
        PostgresException { SqlState: "53100" or "58030" } => true,
        _ => false,
    };

    // The providers' exception types only in a method of their own, compiled at the first database error: a SQLite
    // deployment does not load the PostgreSQL client for an error that is no database's.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool? Classify(DbException e) => e switch
    {
        // Class 53: insufficient resources (53300 too_many_connections); 57P0x: shutting down, starting up;
        // class 08: connection exceptions.
        PostgresException p when p.SqlState.StartsWith("53", StringComparison.Ordinal)
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal) => true,
        PostgresException => false, // the statement's own fault (a constraint, a syntax error): not a matter of waiting
        // The pool exhausted within Timeout, a connection refused, reset or timed out.
        NpgsqlException { IsTransient: true } => true,
        // SQLite busy or locked past its wait (another writer held the file); the disk full (13), the file or folder
        // read-only (8), an I/O error (10) or the file not openable (14): a condition of the data folder that an operator
        // (or freed space) ends, not a fault of the call.
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 8 or 10 or 13 or 14 } => true,
        { IsTransient: true } => true,
        _ => null,
    };
}
