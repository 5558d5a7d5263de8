using System.Data;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dongming.Storage.Sqlite;

/// <summary>
/// <see cref="IJournalStore"/> over one SQLite file in WAL mode with <c>synchronous=FULL</c>, so an acknowledged
/// append has been fsynced and survives a crash or kill -9. Writes go through <see cref="GroupCommitQueue"/>: one
/// writer connection commits many appends per transaction (SQLite allows one writer anyway; one fsync per batch
/// instead of per append is what makes it fast). Reads use separate pooled connections, which WAL lets run
/// concurrently with the writer.
/// </summary>
public sealed class SqliteJournalStore : IJournalStore, IAsyncDisposable
{
    /// <summary>
    /// Numbered schema migrations; the file's <c>PRAGMA user_version</c> records the last one applied. Append only:
    /// never edit a migration that has shipped.
    /// </summary>
    internal static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE events (
                stream TEXT NOT NULL,
                version INTEGER NOT NULL,
                type TEXT NOT NULL,
                payload BLOB NOT NULL,
                request_id TEXT NULL,
                request_hash TEXT NULL,
                recorded_at INTEGER NOT NULL, -- Unix time in milliseconds (UTC)
                PRIMARY KEY (stream, version)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX events_request_id ON events (stream, request_id) WHERE request_id IS NOT NULL;
            CREATE TABLE streams (stream TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE snapshots (stream TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, payload BLOB NOT NULL);
            """),
        (2, """
            CREATE TABLE checkpoints (stream TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, payload BLOB NOT NULL);
            """),
        (3, """
            CREATE TABLE journal_info (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            INSERT INTO journal_info (key, value) VALUES ('journal_id', lower(hex(randomblob(16))));
            """),
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int SchemaVersion => Migrations[^1].Version;

    private readonly string _connectionString;
    private readonly string _writerConnectionString;
    private readonly int _busyTimeoutMs;
    private readonly ILogger _logger;
    private readonly GroupCommitQueue _queue;
    private SqliteConnection? _writer;
    private int _disposed;

    /// <summary>Owner-only modes of the journal's folder and files: the journal holds every figure and the audit trail.</summary>
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Opens (creating or migrating) the journal file and starts the writer. A new file and its folder are created
    /// owner-only (0600, 0700): SQLite gives its <c>-wal</c> and <c>-shm</c> files the database file's mode.
    /// </summary>
    /// <exception cref="JournalException">The file is damaged, or missing/empty while <see cref="SqliteJournalOptions.CreateIfMissing"/> is false.</exception>
    public SqliteJournalStore(SqliteJournalOptions options, ILogger<SqliteJournalStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Health = options.Health ?? new JournalHealth();
        var path = Path.GetFullPath(options.DatabasePath);
        DatabasePath = path;
        var exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (!exists && !options.CreateIfMissing)
        {
            throw new JournalException(JournalFault.Missing, $"the journal {path} is {(File.Exists(path) ? "empty" : "missing")}");
        }

        PrepareFiles(path);

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ConnectionString;
        builder.Pooling = false; // the writer keeps its connection for the store's lifetime
        _writerConnectionString = builder.ConnectionString;
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;

        try
        {
            _writer = OpenWriter();
            Migrate(_writer, options.CreateIfMissing);
            JournalId = ReadJournalId(_writer);
            if (options.ExpectedJournalId is { } expected && !string.Equals(expected, JournalId, StringComparison.Ordinal))
            {
                throw new JournalException(JournalFault.Missing, $"{path} holds another journal (id {JournalId}) than the one expected ({expected})");
            }
        }
        catch (SqliteException ex)
        {
            _writer?.Dispose();
            throw Translate(ex);
        }
        catch
        {
            _writer?.Dispose();
            throw;
        }

        _queue = new GroupCommitQueue(CommitBatchAsync, options.MaxBatchSize, "sqlite", Health);
    }

    /// <summary>The journal file.</summary>
    public string DatabasePath { get; }

    /// <summary>A random id written once when the journal is created: tells one journal from another (e.g. a wiped and re-created one).</summary>
    public string JournalId { get; }

    /// <summary>Failed commits and corruption seen by this store.</summary>
    public JournalHealth Health { get; }

    /// <summary>Creates the folder (0700) and an empty file (0600) when missing; makes existing files owner-only.</summary>
    private static void PrepareFiles(string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (OperatingSystem.IsWindows())
        {
            if (folder is { Length: > 0 })
            {
                Directory.CreateDirectory(folder);
            }

            return;
        }

        if (folder is { Length: > 0 } && !Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, PrivateFolder);
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile });
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~PrivateFile) != 0)
            {
                File.SetUnixFileMode(file, PrivateFile);
            }
        }
    }

    private static string ReadJournalId(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM journal_info WHERE key = 'journal_id';";
        return command.ExecuteScalar() as string ?? throw new JournalException(JournalFault.Corrupt, "the journal has no journal id");
    }

    /// <summary>A SQLite error in the backend-neutral terms of <see cref="JournalException"/>.</summary>
    internal static JournalException Translate(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) switch
    {
        13 => new JournalException(JournalFault.Full, "the disk holding the journal is full (SQLITE_FULL)", ex),
        11 or 26 => new JournalException(JournalFault.Corrupt, $"the journal file is damaged ({ex.Message})", ex),
        _ => new JournalException(JournalFault.Unavailable, $"the journal failed ({ex.Message})", ex),
    };

    /// <summary>Translates, and records corruption for readiness.</summary>
    private JournalException Fault(SqliteException ex)
    {
        var fault = Translate(ex);
        Health.Observe(fault);
        return fault;
    }

    /// <summary>Transactions committed so far; fewer than appends when group commit is batching.</summary>
    public long CommitCount => _queue.CommitCount;

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            connection.Open();
            // WAL: readers don't block the writer nor the writer readers. FULL: the WAL is fsynced at every commit,
            // so "acknowledged" means "on disk" (NORMAL would lose the last commits on power failure). The page cache
            // stays at SQLite's default size (2 MB): with 64 MB, truncating the cache at the end of every transaction
            // took 6–7 % of a ReportValues' server CPU (perf, bench/README.md), and the OS keeps the request-id index
            // hot anyway. Checkpoints every 10,000 WAL pages instead of 1,000 keep them out of most commits
            // (measured: +45% appends/s with 256 concurrent streams).
            Execute(connection, $"PRAGMA busy_timeout={_busyTimeoutMs}; PRAGMA synchronous=FULL; PRAGMA cache_size=-2000; PRAGMA wal_autocheckpoint=10000;");
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = command.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode={mode}).");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Migrate(SqliteConnection connection, bool createIfMissing)
    {
        // BEGIN IMMEDIATE takes the write lock before reading user_version, so two processes opening the same new
        // file cannot both apply migration 1.
        using var tx = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
        {
            throw new InvalidOperationException($"The journal file has schema version {current}, newer than this code's {SchemaVersion}.");
        }

        if (current == 0 && !createIfMissing)
        {
            throw new JournalException(JournalFault.Missing, $"the journal {connection.DataSource} holds no journal (no schema)");
        }

        foreach (var (version, sql) in Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql + $"\nPRAGMA user_version={version};";
            command.ExecuteNonQuery();
            _logger.LogInformation("Journal schema migrated to version {Version}", version);
        }

        tx.Commit();
    }

    /// <inheritdoc />
    public Task<AppendOutcome> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _queue.EnqueueAsync(JournalWrite.ForAppend(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveCheckpointAsync(Snapshot checkpoint, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(checkpoint);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _queue.EnqueueAsync(JournalWrite.ForCheckpoint(checkpoint), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveCheckpointsAsync(IReadOnlyList<Snapshot> checkpoints, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(checkpoints);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return checkpoints.Count == 0 ? Task.CompletedTask : _queue.EnqueueAsync(JournalWrite.ForCheckpoints(checkpoints), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        JournalValidation.Validate(snapshot);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _queue.EnqueueAsync(JournalWrite.ForSnapshot(snapshot), cancellationToken);
    }

    private Task CommitBatchAsync(IReadOnlyList<JournalWrite> batch)
    {
        try
        {
            CommitBatch(batch);
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            // Start the next batch from a fresh connection rather than one in an unknown state.
            _writer?.Dispose();
            _writer = null;
            if (ex is not SqliteException sqlite)
            {
                _logger.LogError(ex, "Journal commit of {Count} writes failed", batch.Count);
                throw;
            }

            var fault = Fault(sqlite);
            if (fault.Fault == JournalFault.Full)
            {
                _logger.LogWarning("Journal commit of {Count} writes refused: {Reason}", batch.Count, fault.Message);
            }
            else
            {
                _logger.LogError(ex, "Journal commit of {Count} writes failed", batch.Count);
            }

            throw fault;
        }
    }

    private void CommitBatch(IReadOnlyList<JournalWrite> batch)
    {
        var connection = _writer ??= OpenWriter();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var tx = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        using var commands = new WriterCommands(connection, tx);
        foreach (var write in batch)
        {
            if (write.Checkpoint is { } checkpoint)
            {
                commands.UpsertCheckpoint(checkpoint);
                write.Outcome = AppendOutcome.Appended;
                continue;
            }

            if (write.Checkpoints is { } checkpoints)
            {
                foreach (var one in checkpoints)
                {
                    commands.UpsertCheckpoint(one);
                }

                write.Outcome = AppendOutcome.Appended;
                continue;
            }

            if (write.Snapshot is { } snapshot)
            {
                commands.UpsertNewerSnapshot(snapshot);
                write.Outcome = AppendOutcome.Appended;
                continue;
            }

            // Checks (request ids, head version) run before any write of the request, so a refused request writes
            // nothing and needs no savepoint; a write failing after its checks passed is unexpected and fails the
            // whole batch (its callers see the error and retry). Savepoints cost two statements per request, which
            // showed as the writer's limit under load.
            var outcome = commands.Apply(write.Append!, now);
            write.Outcome = outcome;
        }

        tx.Commit();
    }

    /// <summary>The writer's statements, prepared once per batch.</summary>
    private sealed class WriterCommands : IDisposable
    {
        private readonly SqliteCommand _findRequest, _createHead, _moveHead, _insertEvent, _upsertSnapshot, _upsertNewerSnapshot, _upsertCheckpoint;

        public WriterCommands(SqliteConnection connection, SqliteTransaction tx)
        {
            _findRequest = Create(connection, tx, "SELECT 1 FROM events WHERE stream = $stream AND request_id = $request_id LIMIT 1;", "$stream", "$request_id");
            _createHead = Create(connection, tx, "INSERT INTO streams (stream, version) VALUES ($stream, $version) ON CONFLICT (stream) DO NOTHING;", "$stream", "$version");
            _moveHead = Create(connection, tx, "UPDATE streams SET version = $version WHERE stream = $stream AND version = $expected;", "$stream", "$version", "$expected");
            _insertEvent = Create(connection, tx,
                "INSERT INTO events (stream, version, type, payload, request_id, request_hash, recorded_at) VALUES ($stream, $version, $type, $payload, $request_id, $request_hash, $recorded_at);",
                "$stream", "$version", "$type", "$payload", "$request_id", "$request_hash", "$recorded_at");
            _upsertSnapshot = Create(connection, tx,
                "INSERT INTO snapshots (stream, version, payload) VALUES ($stream, $version, $payload) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload;",
                "$stream", "$version", "$payload");
            _upsertNewerSnapshot = Create(connection, tx,
                "INSERT INTO snapshots (stream, version, payload) VALUES ($stream, $version, $payload) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload WHERE excluded.version > snapshots.version;",
                "$stream", "$version", "$payload");
            _upsertCheckpoint = Create(connection, tx,
                "INSERT INTO checkpoints (stream, version, payload) VALUES ($stream, $version, $payload) ON CONFLICT (stream) DO UPDATE SET version = excluded.version, payload = excluded.payload;",
                "$stream", "$version", "$payload");
        }

        public AppendOutcome Apply(AppendRequest request, long recordedAt)
        {
            // Request ids first: a retry of an append that was applied but whose acknowledgement was lost carries a
            // stale expected version; reporting DuplicateRequest (not VersionConflict) tells the caller it is done.
            foreach (var e in request.Events)
            {
                if (e.RequestId is not null && Exists(_findRequest, request.Stream, e.RequestId))
                {
                    return AppendOutcome.DuplicateRequest;
                }
            }

            // Compare-and-set of the head: the stream moves only from the expected version.
            var newVersion = request.ExpectedVersion + request.Events.Count;
            var moved = request.ExpectedVersion == 0
                ? Run(_createHead, request.Stream, newVersion)
                : Run(_moveHead, request.Stream, newVersion, request.ExpectedVersion);
            if (moved != 1)
            {
                return AppendOutcome.VersionConflict;
            }

            var version = request.ExpectedVersion;
            foreach (var e in request.Events)
            {
                Run(_insertEvent, request.Stream, ++version, e.Type, e.Payload, e.RequestId, e.RequestHash, recordedAt);
            }

            if (request.Snapshot is not null)
            {
                Run(_upsertSnapshot, request.Stream, newVersion, request.Snapshot);
            }

            return AppendOutcome.Appended;
        }

        public void UpsertCheckpoint(Snapshot checkpoint) => Run(_upsertCheckpoint, checkpoint.Stream, checkpoint.Version, checkpoint.Payload);

        public void UpsertNewerSnapshot(Snapshot snapshot) => Run(_upsertNewerSnapshot, snapshot.Stream, snapshot.Version, snapshot.Payload);

        private static SqliteCommand Create(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }

        private static int Run(SqliteCommand command, params object?[] values)
        {
            Bind(command, values);
            return command.ExecuteNonQuery();
        }

        private static bool Exists(SqliteCommand command, params object?[] values)
        {
            Bind(command, values);
            return command.ExecuteScalar() is not null;
        }

        private static void Bind(SqliteCommand command, object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
        }

        public void Dispose()
        {
            _findRequest.Dispose();
            _createHead.Dispose();
            _moveHead.Dispose();
            _insertEvent.Dispose();
            _upsertSnapshot.Dispose();
            _upsertNewerSnapshot.Dispose();
            _upsertCheckpoint.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<Snapshot?> ReadSnapshotAsync(string stream, CancellationToken cancellationToken = default) =>
        ReadSnapshotLikeAsync("snapshots", stream, cancellationToken);

    /// <inheritdoc />
    public Task<Snapshot?> ReadCheckpointAsync(string stream, CancellationToken cancellationToken = default) =>
        ReadSnapshotLikeAsync("checkpoints", stream, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Snapshot>> ReadCheckpointsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        JournalValidation.ValidatePrefix(prefix);
        try
        {
            return await ReadCheckpointsCoreAsync(prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fault(ex);
        }
    }

    private async Task<IReadOnlyList<Snapshot>> ReadCheckpointsCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // A range on the primary key (TEXT compares as UTF-8 bytes, i.e. by code point): from the prefix up to the prefix
        // with its last character raised by one; the substr test keeps the answer exact whatever that character is.
        command.CommandText = "SELECT stream, version, payload FROM checkpoints WHERE stream >= $prefix AND (stream < $upper OR $upper IS NULL) AND substr(stream, 1, length($prefix)) = $prefix ORDER BY stream;";
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$upper", (object?)UpperBound(prefix) ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<Snapshot>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new Snapshot(reader.GetString(0), reader.GetInt64(1), (byte[])reader.GetValue(2)));
        }

        return result;
    }

    /// <summary>The least string above every string that starts with <paramref name="prefix"/>, or null when there is no simple one.</summary>
    private static string? UpperBound(string prefix)
    {
        var last = prefix[^1];
        return last < '\uD7FF' ? prefix[..^1] + (char)(last + 1) : null;
    }

    private async Task<Snapshot?> ReadSnapshotLikeAsync(string table, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return await ReadSnapshotLikeCoreAsync(table, stream, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fault(ex);
        }
    }

    private async Task<Snapshot?> ReadSnapshotLikeCoreAsync(string table, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT version, payload FROM {table} WHERE stream = $stream;";
        command.Parameters.AddWithValue("$stream", stream);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Snapshot(stream, reader.GetInt64(0), (byte[])reader.GetValue(1))
            : null;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<JournalEvent> ReadAsync(string stream, long afterVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return GuardAsync(ReadCoreAsync(stream, afterVersion, cancellationToken), cancellationToken);
    }

    /// <summary>Enumerates <paramref name="inner"/>, translating SQLite errors (C# allows no yield inside a try with a catch).</summary>
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
                catch (SqliteException ex)
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
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, type, payload, request_id, request_hash, recorded_at FROM events WHERE stream = $stream AND version > $after ORDER BY version;";
        command.Parameters.AddWithValue("$stream", stream);
        command.Parameters.AddWithValue("$after", afterVersion);
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
        var events = new List<JournalEvent>(versions.Count);
        if (versions.Count == 0)
        {
            return events;
        }

        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The versions travel as one JSON array parameter: point lookups on the primary key, whatever their number.
        command.CommandText = "SELECT version, type, payload, request_id, request_hash, recorded_at FROM events WHERE stream = $stream AND version IN (SELECT value FROM json_each($versions)) ORDER BY version;";
        command.Parameters.AddWithValue("$stream", stream);
        command.Parameters.AddWithValue("$versions", JsonSerializer.Serialize(versions));
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
        try
        {
            return await FindByRequestIdCoreAsync(stream, requestId, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fault(ex);
        }
    }

    private async Task<JournalEvent?> FindByRequestIdCoreAsync(string stream, string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, type, payload, request_id, request_hash, recorded_at FROM events WHERE stream = $stream AND request_id = $request_id;";
        command.Parameters.AddWithValue("$stream", stream);
        command.Parameters.AddWithValue("$request_id", requestId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadEvent(stream, reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var result = new Dictionary<string, long>(streams.Count, StringComparer.Ordinal);
        if (streams.Count == 0)
        {
            return result;
        }

        try
        {
            await GetVersionsCoreAsync(streams, result, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fault(ex);
        }

        return result;
    }

    private async Task GetVersionsCoreAsync(IReadOnlyCollection<string> streams, Dictionary<string, long> result, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The names travel as one JSON array parameter: one query whatever their number, no parameter limit.
        command.CommandText = "SELECT j.value, COALESCE(s.version, 0) FROM json_each($streams) AS j LEFT JOIN streams AS s ON s.stream = j.value;";
        command.Parameters.AddWithValue("$streams", JsonSerializer.Serialize(streams));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }
    }

    private static JournalEvent ReadEvent(string stream, SqliteDataReader reader) => new(
        stream,
        reader.GetInt64(0),
        reader.GetString(1),
        (byte[])reader.GetValue(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Commits every write already queued, then closes the file (clearing pooled connections to it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _queue.DisposeAsync().ConfigureAwait(false);
        _writer?.Dispose();
        _writer = null;
        using var forPool = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(forPool);
    }
}
