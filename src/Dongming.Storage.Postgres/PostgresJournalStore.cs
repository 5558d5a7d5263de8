using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Dongming.Storage.Postgres;

/// <summary>
/// <see cref="IJournalStore"/> over PostgreSQL (tables <c>dongming_*</c>). Writes go through
/// <see cref="GroupCommitQueue"/>: one writer per store commits many appends in one transaction, so one WAL flush
/// (<c>synchronous_commit</c> stays on: acknowledged = durable) serves a whole batch. Several silos may share the
/// database: the head row of a stream is moved by compare-and-set and stays locked until commit, so concurrent
/// writers of one stream serialize and the loser gets <see cref="AppendOutcome.VersionConflict"/>.
/// </summary>
/// <remarks>Call <see cref="InitializeAsync"/> (or use <see cref="CreateAsync"/>) before use: it migrates the schema.</remarks>
public sealed class PostgresJournalStore : IJournalStore, IAsyncDisposable
{
    /// <summary>Key of the advisory lock serializing schema migrations of silos starting together ("Dongming").</summary>
    internal const long MigrationLockKey = 0x446F6E676D696E67;

    /// <summary>Numbered migrations, recorded in <c>dongming_schema_migrations</c>. Append only.</summary>
    internal static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE dongming_events (
                stream text NOT NULL,
                version bigint NOT NULL,
                type text NOT NULL,
                payload bytea NOT NULL,
                request_id text NULL,
                request_hash text NULL,
                recorded_at timestamptz NOT NULL,
                PRIMARY KEY (stream, version)
            );
            CREATE UNIQUE INDEX dongming_events_request_id ON dongming_events (stream, request_id) WHERE request_id IS NOT NULL;
            CREATE TABLE dongming_streams (stream text PRIMARY KEY, version bigint NOT NULL);
            CREATE TABLE dongming_snapshots (stream text PRIMARY KEY, version bigint NOT NULL, payload bytea NOT NULL);
            CREATE TABLE dongming_checkpoints (stream text PRIMARY KEY, version bigint NOT NULL, payload bytea NOT NULL);
            """),
    ];

    private const string UniqueViolation = "23505";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly GroupCommitQueue _queue;
    private volatile bool _initialized;
    private int _disposed;

    /// <summary>Creates the store; call <see cref="InitializeAsync"/> before using it.</summary>
    public PostgresJournalStore(PostgresJournalOptions options, ILogger<PostgresJournalStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        Health = options.Health ?? new JournalHealth();
        _queue = new GroupCommitQueue(CommitBatchAsync, options.MaxBatchSize, "postgres", Health);
    }

    /// <summary>Failed commits and corruption seen by this store.</summary>
    public JournalHealth Health { get; }

    /// <summary>A PostgreSQL error in the backend-neutral terms of <see cref="JournalException"/>.</summary>
    internal static JournalException Translate(NpgsqlException ex) => ex switch
    {
        PostgresException { SqlState: "53100" } => new JournalException(JournalFault.Full, "the disk of the journal's database is full (53100 disk_full)", ex),
        PostgresException { SqlState: "XX001" or "XX002" } p => new JournalException(JournalFault.Corrupt, $"the journal's database reports damaged data ({p.SqlState})", ex),
        _ => new JournalException(JournalFault.Unavailable, $"the journal's database failed ({ex.Message})", ex),
    };

    private JournalException Fault(NpgsqlException ex)
    {
        var fault = Translate(ex);
        Health.Observe(fault);
        return fault;
    }

    /// <summary>Creates the store and migrates the schema.</summary>
    public static async Task<PostgresJournalStore> CreateAsync(PostgresJournalOptions options, ILogger<PostgresJournalStore>? logger = null, CancellationToken cancellationToken = default)
    {
        var store = new PostgresJournalStore(options, logger);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version this code writes.</summary>
    public static int SchemaVersion => Migrations[^1].Version;

    /// <summary>Transactions committed so far; fewer than appends when group commit is batching.</summary>
    public long CommitCount => _queue.CommitCount;

    /// <summary>
    /// Applies the pending migrations under <c>pg_advisory_lock</c>, so silos starting at once take turns and each
    /// migration runs once (each in its own transaction, recorded in <c>dongming_schema_migrations</c>). Idempotent.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Fault(ex);
        }

        _initialized = true;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey});", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS dongming_schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());", cancellationToken).ConfigureAwait(false);
            var applied = new HashSet<int>();
            await using (var command = new NpgsqlCommand("SELECT version FROM dongming_schema_migrations;", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            if (applied.Count > 0 && applied.Max() > SchemaVersion)
            {
                throw new InvalidOperationException($"The database has journal schema version {applied.Max()}, newer than this code's {SchemaVersion}.");
            }

            foreach (var (version, sql) in Migrations)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO dongming_schema_migrations (version) VALUES ($1);", connection))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Journal schema migrated to version {Version}", version);
            }
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLockKey});", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<AppendOutcome> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(request);
        EnsureUsable();
        return _queue.EnqueueAsync(JournalWrite.ForAppend(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveCheckpointAsync(Snapshot checkpoint, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(checkpoint);
        EnsureUsable();
        return _queue.EnqueueAsync(JournalWrite.ForCheckpoint(checkpoint), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveCheckpointsAsync(IReadOnlyList<Snapshot> checkpoints, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(checkpoints);
        EnsureUsable();
        return checkpoints.Count == 0 ? Task.CompletedTask : _queue.EnqueueAsync(JournalWrite.ForCheckpoints(checkpoints), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(snapshot);
        EnsureUsable();
        return _queue.EnqueueAsync(JournalWrite.ForSnapshot(snapshot), cancellationToken);
    }

    private async Task CommitBatchAsync(IReadOnlyList<JournalWrite> batch)
    {
        try
        {
            await CommitBatchCoreAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Journal commit of {Count} writes failed", batch.Count);
            if (ex is NpgsqlException npgsql)
            {
                throw Fault(npgsql);
            }

            throw;
        }
    }

    private async Task CommitBatchCoreAsync(IReadOnlyList<JournalWrite> batch)
    {
        var now = DateTimeOffset.UtcNow;
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync().ConfigureAwait(false);
        // Rows are locked in one global order (appends by stream, then checkpoints by stream; the sort is stable so
        // one stream's appends keep their order), so silos committing overlapping batches cannot deadlock.
        var ordered = batch.OrderBy(w => w.Append is null).ThenBy(w => w.FirstStream, StringComparer.Ordinal);
        foreach (var write in ordered)
        {
            if (write.Snapshot is { } snapshot)
            {
                await using var upsert = new NpgsqlCommand(
                    "INSERT INTO dongming_snapshots (stream, version, payload) VALUES ($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload WHERE excluded.version > dongming_snapshots.version;",
                    connection);
                AddSnapshotParameters(upsert.Parameters, snapshot.Stream, snapshot.Version, snapshot.Payload);
                await upsert.ExecuteNonQueryAsync().ConfigureAwait(false);
                write.Outcome = AppendOutcome.Appended;
                continue;
            }

            if (write.Checkpoint is { } checkpoint)
            {
                await using var upsert = new NpgsqlCommand(
                    "INSERT INTO dongming_checkpoints (stream, version, payload) VALUES ($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload;",
                    connection);
                AddSnapshotParameters(upsert.Parameters, checkpoint.Stream, checkpoint.Version, checkpoint.Payload);
                await upsert.ExecuteNonQueryAsync().ConfigureAwait(false);
                write.Outcome = AppendOutcome.Appended;
                continue;
            }

            if (write.Checkpoints is { } checkpoints)
            {
                // One statement for the whole list (in stream order, so rows are locked in the global order).
                await using var upsert = new NpgsqlCommand(
                    "INSERT INTO dongming_checkpoints (stream, version, payload) SELECT * FROM unnest($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload;",
                    connection);
                upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. checkpoints.Select(c => c.Stream)] });
                upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. checkpoints.Select(c => c.Version)] });
                upsert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. checkpoints.Select(c => c.Payload)] });
                await upsert.ExecuteNonQueryAsync().ConfigureAwait(false);
                write.Outcome = AppendOutcome.Appended;
                continue;
            }

            write.Outcome = await ApplyAsync(connection, write.Append!, now).ConfigureAwait(false);
        }

        await tx.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Applies one append inside a savepoint: a conflict or constraint violation rolls back this request only, and
    /// leaves the transaction usable for the others of the batch (PostgreSQL aborts the whole transaction on any
    /// error otherwise).
    /// </summary>
    private static async Task<AppendOutcome> ApplyAsync(NpgsqlConnection connection, AppendRequest request, DateTimeOffset now)
    {
        var newVersion = request.ExpectedVersion + request.Events.Count;
        var requestIds = request.Events.Where(e => e.RequestId is not null).Select(e => e.RequestId!).ToArray();
        AppendOutcome outcome;
        try
        {
            // Round trip 1: savepoint, request-id check, compare-and-set of the head (which locks the head row).
            await using (var check = new NpgsqlBatch(connection))
            {
                check.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT w;"));
                var find = new NpgsqlBatchCommand("SELECT count(*) FROM dongming_events WHERE stream = $1 AND request_id = ANY($2);");
                find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Stream });
                find.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = requestIds });
                check.BatchCommands.Add(find);
                var cas = new NpgsqlBatchCommand(request.ExpectedVersion == 0
                    ? "INSERT INTO dongming_streams (stream, version) VALUES ($1, $2) ON CONFLICT (stream) DO NOTHING;"
                    : "UPDATE dongming_streams SET version = $2 WHERE stream = $1 AND version = $3;");
                cas.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Stream });
                cas.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newVersion });
                if (request.ExpectedVersion != 0)
                {
                    cas.Parameters.Add(new NpgsqlParameter<long> { TypedValue = request.ExpectedVersion });
                }

                check.BatchCommands.Add(cas);
                long duplicates;
                await using (var reader = await check.ExecuteReaderAsync().ConfigureAwait(false))
                {
                    await reader.ReadAsync().ConfigureAwait(false);
                    duplicates = reader.GetInt64(0);
                    while (await reader.NextResultAsync().ConfigureAwait(false))
                    {
                    }
                }

                // Request ids first: a retry of an applied append (its acknowledgement lost) carries a stale
                // expected version; DuplicateRequest tells the caller it is already done.
                outcome = duplicates > 0 ? AppendOutcome.DuplicateRequest
                    : cas.RecordsAffected != 1 ? AppendOutcome.VersionConflict
                    : AppendOutcome.Appended;
            }

            if (outcome == AppendOutcome.Appended)
            {
                // Round trip 2: the events, the snapshot, release.
                await using var write = new NpgsqlBatch(connection);
                var version = request.ExpectedVersion;
                foreach (var e in request.Events)
                {
                    var insert = new NpgsqlBatchCommand(
                        "INSERT INTO dongming_events (stream, version, type, payload, request_id, request_hash, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7);");
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Stream });
                    insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ++version });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
                    insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = e.Payload });
                    insert.Parameters.Add(new NpgsqlParameter { Value = (object?)e.RequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    insert.Parameters.Add(new NpgsqlParameter { Value = (object?)e.RequestHash ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                    write.BatchCommands.Add(insert);
                }

                if (request.Snapshot is not null)
                {
                    var snapshot = new NpgsqlBatchCommand(
                        "INSERT INTO dongming_snapshots (stream, version, payload) VALUES ($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload;");
                    AddSnapshotParameters(snapshot.Parameters, request.Stream, newVersion, request.Snapshot);
                    write.BatchCommands.Add(snapshot);
                }

                write.BatchCommands.Add(new NpgsqlBatchCommand("RELEASE SAVEPOINT w;"));
                await write.ExecuteNonQueryAsync().ConfigureAwait(false);
                return AppendOutcome.Appended;
            }
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            outcome = ex.ConstraintName == "dongming_events_request_id" ? AppendOutcome.DuplicateRequest : AppendOutcome.VersionConflict;
        }

        await using var undo = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand("ROLLBACK TO SAVEPOINT w;"), new NpgsqlBatchCommand("RELEASE SAVEPOINT w;") },
        };
        await undo.ExecuteNonQueryAsync().ConfigureAwait(false);
        return outcome;
    }

    private static void AddSnapshotParameters(NpgsqlParameterCollection parameters, string stream, long version, byte[] payload)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
    }

    /// <inheritdoc />
    public Task<Snapshot?> ReadSnapshotAsync(string stream, CancellationToken cancellationToken = default) =>
        ReadSnapshotLikeAsync("dongming_snapshots", stream, cancellationToken);

    /// <inheritdoc />
    public Task<Snapshot?> ReadCheckpointAsync(string stream, CancellationToken cancellationToken = default) =>
        ReadSnapshotLikeAsync("dongming_checkpoints", stream, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Snapshot>> ReadCheckpointsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        JournalValidation.ValidatePrefix(prefix);
        EnsureUsable();
        try
        {
            // starts_with compares code points whatever the database's collation (a range on text would follow it).
            await using var command = _dataSource.CreateCommand("SELECT stream, version, payload FROM dongming_checkpoints WHERE starts_with(stream, $1) ORDER BY stream COLLATE \"C\";");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var result = new List<Snapshot>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new Snapshot(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
            }

            return result;
        }
        catch (NpgsqlException ex)
        {
            throw Fault(ex);
        }
    }

    private async Task<Snapshot?> ReadSnapshotLikeAsync(string table, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EnsureUsable();
        try
        {
            return await ReadSnapshotLikeCoreAsync(table, stream, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Fault(ex);
        }
    }

    private async Task<Snapshot?> ReadSnapshotLikeCoreAsync(string table, string stream, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT version, payload FROM {table} WHERE stream = $1;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Snapshot(stream, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadAsync(string stream, long afterVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EnsureUsable();
        return GuardAsync(ReadCoreAsync(stream, afterVersion, cancellationToken), cancellationToken);
    }

    /// <summary>Enumerates <paramref name="inner"/>, translating Npgsql errors (C# allows no yield inside a try with a catch).</summary>
    private async IAsyncEnumerable<JournalEvent> GuardAsync(IAsyncEnumerable<JournalEvent> inner, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = inner.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (NpgsqlException ex)
                {
                    throw Fault(ex);
                }

                if (!more)
                {
                    break;
                }

                yield return enumerator.Current;
            }
        }
    }

    private async IAsyncEnumerable<JournalEvent> ReadCoreAsync(string stream, long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT version, type, payload, request_id, request_hash, recorded_at FROM dongming_events WHERE stream = $1 AND version > $2 ORDER BY version;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEvent(stream, reader);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEvent>> ReadEventsAsync(string stream, IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(versions);
        EnsureUsable();
        var events = new List<JournalEvent>(versions.Count);
        if (versions.Count == 0)
        {
            return events;
        }

        await using var command = _dataSource.CreateCommand(
            "SELECT version, type, payload, request_id, request_hash, recorded_at FROM dongming_events WHERE stream = $1 AND version = ANY($2) ORDER BY version;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. versions] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(ReadEvent(stream, reader));
        }

        return events;
    }

    /// <inheritdoc />
    public async Task<JournalEvent?> FindByRequestIdAsync(string stream, string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(requestId);
        EnsureUsable();
        try
        {
            return await FindByRequestIdCoreAsync(stream, requestId, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Fault(ex);
        }
    }

    private async Task<JournalEvent?> FindByRequestIdCoreAsync(string stream, string requestId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT version, type, payload, request_id, request_hash, recorded_at FROM dongming_events WHERE stream = $1 AND request_id = $2;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadEvent(stream, reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        EnsureUsable();
        var result = new Dictionary<string, long>(streams.Count, StringComparer.Ordinal);
        if (streams.Count == 0)
        {
            return result;
        }

        try
        {
            await GetVersionsCoreAsync(streams, result, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Fault(ex);
        }

        return result;
    }

    private async Task GetVersionsCoreAsync(IReadOnlyCollection<string> streams, Dictionary<string, long> result, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT s.stream, COALESCE(h.version, 0) FROM unnest($1::text[]) AS s (stream) LEFT JOIN dongming_streams AS h ON h.stream = s.stream;");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. streams] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }
    }

    private static JournalEvent ReadEvent(string stream, NpgsqlDataReader reader) => new(
        stream,
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetFieldValue<byte[]>(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5));

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_initialized)
        {
            throw new InvalidOperationException($"Call {nameof(InitializeAsync)} before using the PostgreSQL journal.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits every write already queued, then closes the data source.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _queue.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
