using Dongming.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dongming.Storage.Tests;

/// <summary>What the SQLite backend makes of its own failures and files: one backend-neutral exception, owner-only files.</summary>
public sealed class JournalFaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dongming-faults-" + Guid.NewGuid().ToString("N")[..12], "journal");

    private string DatabasePath => Path.Combine(_folder, "journal.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData(13, JournalFault.Full)]
    [InlineData(11, JournalFault.Corrupt)]
    [InlineData(26, JournalFault.Corrupt)]
    [InlineData(5, JournalFault.Unavailable)]
    [InlineData(10 | (3 << 8), JournalFault.Unavailable)]
    public void SqliteErrors_BecomeJournalFaults(int code, JournalFault fault) =>
        Assert.Equal(fault, SqliteJournalStore.Translate(new SqliteException("test", code)).Fault);

    [Fact]
    public async Task NewJournal_IsOwnerOnly_AndHasAnId()
    {
        if (OperatingSystem.IsWindows()) return;
        var store = new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath });
        await using (store)
        {
            await store.AppendAsync(new AppendRequest("s", 0, [new NewEvent("T", [1])]), TestContext.Current.CancellationToken);
            Assert.Matches("^[0-9a-f]{32}$", store.JournalId);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
            foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task MissingEmptyOrForeignJournal_IsRefused_WhenOneIsExpected()
    {
        var missing = Assert.Throws<JournalException>(() => new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath, CreateIfMissing = false }));
        Assert.Equal(JournalFault.Missing, missing.Fault);
        Assert.False(File.Exists(DatabasePath));

        Directory.CreateDirectory(_folder);
        await File.WriteAllBytesAsync(DatabasePath, [], TestContext.Current.CancellationToken);
        Assert.Equal(JournalFault.Missing, Assert.Throws<JournalException>(() => new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath, CreateIfMissing = false })).Fault);

        File.Delete(DatabasePath);
        string id;
        await using (var created = new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath })) id = created.JournalId;
        await using (var same = new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath, CreateIfMissing = false, ExpectedJournalId = id })) Assert.Equal(id, same.JournalId);
        var foreign = Assert.Throws<JournalException>(() => new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath, ExpectedJournalId = new string('0', 32) }));
        Assert.Equal(JournalFault.Missing, foreign.Fault);
    }

    [Fact]
    public async Task GarbageFile_IsReportedAsCorrupt()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllBytesAsync(DatabasePath, [.. Enumerable.Repeat((byte)0x5A, 8192)], TestContext.Current.CancellationToken);
        Assert.Equal(JournalFault.Corrupt, Assert.Throws<JournalException>(() => new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = DatabasePath })).Fault);
    }

    [Fact]
    public async Task FailedCommit_IsReportedToHealth_UntilACommitSucceeds()
    {
        var health = new JournalHealth();
        var fail = true;
        var queue = new GroupCommitQueue(batch =>
        {
            if (fail) throw new JournalException(JournalFault.Full, "full");
            foreach (var w in batch) w.Outcome = AppendOutcome.Appended;
            return Task.CompletedTask;
        }, 16, "test", health);
        await using (queue)
        {
            var ct = TestContext.Current.CancellationToken;
            await Assert.ThrowsAsync<JournalException>(() => queue.EnqueueAsync(JournalWrite.ForAppend(new AppendRequest("s", 0, [new NewEvent("T", [1])])), ct));
            Assert.Equal(JournalFault.Full, health.WriteFault);
            Assert.Contains("storage full", health.Problem, StringComparison.Ordinal);
            fail = false;
            await queue.EnqueueAsync(JournalWrite.ForAppend(new AppendRequest("s", 0, [new NewEvent("T", [1])])), ct);
            Assert.Null(health.WriteFault);
            Assert.Null(health.Problem);
        }
    }
}
