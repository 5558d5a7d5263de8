using Dongming.Storage.Postgres;
using Npgsql;

namespace Dongming.Storage.Tests;

/// <summary>The contract against a real PostgreSQL server (see <see cref="PostgresServerFixture"/>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalStoreTests(PostgresServerFixture server) : JournalStoreContractTests
{
    protected override string Backend => "postgres";

    protected override async Task<IJournalStore> CreateStoreAsync()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        return await PostgresJournalStore.CreateAsync(new PostgresJournalOptions { ConnectionString = server.ConnectionString }, cancellationToken: TestContext.Current.CancellationToken);
    }

    protected override long CommitCount(IJournalStore store) => ((PostgresJournalStore)store).CommitCount;

    [Fact]
    public async Task SilosStartingTogether_MigrateOnce()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        var connectionString = await server.CreateDatabaseAsync();
        var ct = TestContext.Current.CancellationToken;
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => PostgresJournalStore.CreateAsync(new PostgresJournalOptions { ConnectionString = connectionString }, cancellationToken: ct), ct)));
        try
        {
            await using (var again = await PostgresJournalStore.CreateAsync(new PostgresJournalOptions { ConnectionString = connectionString }, cancellationToken: ct))
            {
                Assert.Equal(AppendOutcome.Appended, await again.AppendAsync(new("s", 0, [new("T", [1])]), ct));
            }

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var command = dataSource.CreateCommand("SELECT count(*), max(version) FROM dongming_schema_migrations;");
            await using var reader = await command.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct));
            Assert.Equal(PostgresJournalStore.Migrations.Count, reader.GetInt64(0));
            Assert.Equal(PostgresJournalStore.SchemaVersion, reader.GetInt32(1));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Store_UsedBeforeInitializing_IsRefused()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        await using var store = new PostgresJournalStore(new PostgresJournalOptions { ConnectionString = server.ConnectionString });
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync(new("s", 0, [new("T", [1])]), TestContext.Current.CancellationToken));
    }
}
