namespace Dongming.Storage.Sqlite;

/// <summary>Settings of <see cref="SqliteJournalStore"/>.</summary>
public sealed record SqliteJournalOptions
{
    /// <summary>Path of the one SQLite file holding the whole journal (created if missing, with its folder).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Most appends committed in one transaction (group commit).</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>How long a connection waits for another process's lock on the file before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
