using Dongming.Server.Security;
using Dongming.Server.Settings;
using Dongming.Storage;
using Dongming.Storage.Postgres;
using Dongming.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Hosting;

/// <summary>The journal of the host: SQLite in the data directory (embedded) or PostgreSQL (cluster), and readiness.</summary>
public static class Journal
{
    public static WebApplicationBuilder AddDongmingJournal(this WebApplicationBuilder builder, DongmingOptions options)
    {
        var services = builder.Services;
        services.AddSingleton<JournalHealth>();
        if (options.IsCluster)
        {
            var connection = builder.Configuration.GetConnectionString("Journal");
            if (string.IsNullOrWhiteSpace(connection)) throw new OptionsValidationException("ConnectionStrings:Journal", typeof(DongmingOptions), ["ConnectionStrings:Journal is required in cluster mode"]);
            services.AddSingleton(sp => new PostgresJournalStore(new PostgresJournalOptions { ConnectionString = connection, Health = sp.GetRequiredService<JournalHealth>() }, sp.GetService<ILogger<PostgresJournalStore>>()));
            services.AddSingleton<IJournalStore>(sp => sp.GetRequiredService<PostgresJournalStore>());
            // Registered before the silo, so the schema is migrated before any grain reads (hosted services start in order).
            services.AddHostedService<PostgresJournalInitializer>();
        }
        else
        {
            services.AddSingleton<IJournalStore>(sp => OpenEmbedded(options, sp.GetRequiredService<JournalHealth>(), sp.GetRequiredService<ILogger<SqliteJournalStore>>()));
        }
        return builder;
    }

    /// <summary>
    /// Opens the SQLite journal of the data directory. The first open writes the journal's id to <c>journal.id</c>
    /// beside it; from then on a missing, empty or different journal is refused (<see cref="JournalFault.Missing"/>).
    /// </summary>
    public static SqliteJournalStore OpenEmbedded(DongmingOptions options, JournalHealth health, ILogger<SqliteJournalStore> logger)
    {
        var directory = Path.GetFullPath(options.DataDirectory);
        var path = Path.Combine(directory, Preflight.JournalFileName);
        var marker = Path.Combine(directory, Preflight.JournalMarkerFileName);
        var expected = File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
        SqliteJournalStore store;
        try
        {
            store = new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = path, CreateIfMissing = expected is null, ExpectedJournalId = expected, Health = health }, logger);
        }
        catch (JournalException e) when (e.Fault == JournalFault.Missing)
        {
            var state = !File.Exists(path) ? "missing" : new FileInfo(path).Length == 0 ? "empty" : "not the journal this data directory held (" + e.Message + ")";
            throw new JournalException(JournalFault.Missing, Preflight.WipedMessage(path, state, marker), e);
        }
        if (expected is null) SigningKeys.WritePrivate(marker, store.JournalId + "\n");
        logger.LogInformation("Journal: SQLite file {Path}", path);
        return store;
    }
}

/// <summary>Migrates the PostgreSQL schema at start, asynchronously (instead of blocking in a DI factory).</summary>
public sealed class PostgresJournalInitializer(PostgresJournalStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Ready once the silo has started and the demo load (if any) is done, and while the journal works: it answers a
/// read, its last commit did not fail (after a failed commit — e.g. a full disk — a small probe write decides, so
/// readiness returns by itself once space is freed) and no damaged records were met.
/// </summary>
public sealed class ReadinessCheck(IJournalStore store, JournalHealth health, ILogger<ReadinessCheck> logger) : IHealthCheck, IHostedService
{
    private const string ProbeStream = "health/probe";
    private volatile bool _started;
    private string? _reported;

    public Task StartAsync(CancellationToken cancellationToken) { _started = true; return Task.CompletedTask; }

    public Task StopAsync(CancellationToken cancellationToken) { _started = false; return Task.CompletedTask; }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_started) return HealthCheckResult.Unhealthy("starting");
        var problem = await ProblemAsync(cancellationToken);
        Report(problem);
        return problem is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(problem);
    }

    private async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (health.CorruptionSeen) return health.Problem;
        try
        {
            if (health.WriteFault is not null)
                await store.SaveCheckpointAsync(new Snapshot(ProbeStream, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [1]), cancellationToken);
            await store.GetVersionsAsync([ProbeStream], cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return health.Problem ?? "journal unreachable: " + e.Message;
        }
    }

    /// <summary>Logs each change of readiness once (not at every probe).</summary>
    private void Report(string? problem)
    {
        if (problem == _reported) return;
        _reported = problem;
        if (problem is null) logger.LogInformation("Ready again: the journal works");
        else logger.LogError("Not ready: {Problem}", problem);
    }
}
