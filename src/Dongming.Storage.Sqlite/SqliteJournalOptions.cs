namespace Dongming.Storage.Sqlite;

/// <summary>Settings of <see cref="SqliteJournalStore"/>.</summary>
public sealed record SqliteJournalOptions
{
    /// <summary>Path of the one SQLite file holding the whole journal (created if missing, with its folder).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Most appends committed in one transaction (group commit).</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// Create the file (and its folder) when it is missing or empty. False where the journal is known to have held
    /// data: a missing, empty or schema-less file then throws <see cref="JournalException"/> (<see cref="JournalFault.Missing"/>)
    /// instead of silently starting a new journal.
    /// </summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>When set, the file must hold the journal with this id (<see cref="SqliteJournalStore.JournalId"/>): another one is refused (<see cref="JournalFault.Missing"/>).</summary>
    public string? ExpectedJournalId { get; init; }

    /// <summary>Told of failed commits and corruption (readiness reads it); a private one when null.</summary>
    public JournalHealth? Health { get; init; }

    /// <summary>How long a connection waits for another process's lock on the file before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
