namespace Dongming.Storage.Postgres;

/// <summary>Settings of <see cref="PostgresJournalStore"/>.</summary>
public sealed record PostgresJournalOptions
{
    /// <summary>Npgsql connection string of the database holding the <c>dongming_*</c> tables.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Most appends committed in one transaction (group commit).</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>Told of failed commits and corruption (readiness reads it); a private one when null.</summary>
    public JournalHealth? Health { get; init; }
}
