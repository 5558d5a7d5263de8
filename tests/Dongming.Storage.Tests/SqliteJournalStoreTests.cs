using Dongming.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dongming.Storage.Tests;

/// <summary>The contract against SQLite, a fresh file per test.</summary>
public sealed class SqliteJournalStoreTests : JournalStoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dongming-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    private string DatabasePath => Path.Combine(_folder, "journal.db");

    protected override string Backend => "sqlite";

    protected override Task<IJournalStore> CreateStoreAsync() =>
        Task.FromResult<IJournalStore>(new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath }));

    protected override long CommitCount(IJournalStore store) => ((SqliteJournalStore)store).CommitCount;

    [Fact]
    public async Task File_IsInWalMode_AndOpeningTwiceKeepsTheSchema()
    {
        await OpenAsync();
        await OpenAsync();
        using var connection = OpenRaw();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal((long)SqliteJournalStore.SchemaVersion, Scalar(connection, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task FileWithAnOlderSchema_IsMigrated_AndKeepsItsEvents()
    {
        Directory.CreateDirectory(_folder);
        using (var connection = OpenRaw())
        {
            var (version, sql) = SqliteJournalStore.Migrations[0];
            Execute(connection, sql + $"PRAGMA user_version={version};");
            Execute(connection, "INSERT INTO events VALUES ('old', 1, 'T', x'01', 'r1', 'h1', 0); INSERT INTO streams VALUES ('old', 1);");
        }

        SqliteConnection.ClearAllPools();
        var store = await OpenAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(1, (await store.GetVersionsAsync(["old"], ct))["old"]);
        Assert.Equal("h1", (await store.FindByRequestIdAsync("old", "r1", ct))!.RequestHash);
        Assert.Equal(AppendOutcome.Appended, await store.AppendAsync(new("old", 1, [Event("new")]), ct));
        await store.SaveCheckpointAsync(new("cp", 1, [1]), ct); // the table migration 2 adds

        using var check = OpenRaw();
        Assert.Equal((long)SqliteJournalStore.SchemaVersion, Scalar(check, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task FileFromNewerCode_IsRefused()
    {
        Directory.CreateDirectory(_folder);
        using (var connection = OpenRaw())
        {
            Execute(connection, $"PRAGMA user_version={SqliteJournalStore.SchemaVersion + 1};");
        }

        SqliteConnection.ClearAllPools();
        await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected override ValueTask DisposeBackendAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
