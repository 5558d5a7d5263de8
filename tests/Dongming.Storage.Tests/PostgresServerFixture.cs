using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Dongming.Storage.Tests;

/// <summary>Shares one PostgreSQL server between the PostgreSQL test classes.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "postgres";
}

/// <summary>
/// A real PostgreSQL server for the tests. <c>DONGMING_TEST_POSTGRES</c> (a connection string) selects an existing
/// server; otherwise a throw-away cluster is created with the binaries <c>pg_config --bindir</c> points at
/// (initdb into a temp folder, a free port, a unix socket in that folder) and removed at the end. initdb and
/// postgres refuse to run as root, so as root they run as the <c>postgres</c> user (or <c>nobody</c>) via runuser.
/// Without binaries the PostgreSQL tests are skipped, not passed.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private const string EnvironmentVariable = "DONGMING_TEST_POSTGRES";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly List<string> _createdDatabases = [];
    private string? _adminConnectionString;
    private string? _folder;
    private string? _binDir;
    private string? _runAs;

    /// <summary>Why the PostgreSQL tests cannot run, or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Connection string of the shared test database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
            ConnectionString = external;
            return;
        }

        _binDir = await FindBinDirAsync();
        if (_binDir is null)
        {
            SkipReason = "PostgreSQL server binaries not found (pg_config --bindir); .ci/run installs them (apt-get install -y postgresql-15), or set DONGMING_TEST_POSTGRES to a connection string.";
            return;
        }

        _folder = Path.Combine(Path.GetTempPath(), "dongming-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        if (Environment.IsPrivilegedProcess)
        {
            _runAs = (await RunAsync("id", ["-u", "postgres"], runAsUser: false)).ExitCode == 0 ? "postgres" : "nobody";
            await RunCheckedAsync("chown", ["-R", _runAs, _folder], runAsUser: false);
        }

        var data = Path.Combine(_folder, "data");
        await RunCheckedAsync(Path.Combine(_binDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);

        var log = Path.Combine(_folder, "server.log");
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 3 && _adminConnectionString is null; attempt++)
        {
            var port = FreePort();
            var start = await RunAsync(Path.Combine(_binDir, "pg_ctl"),
                ["-D", data, "-l", log, "-w", "-t", "60", "-o", $"-p {port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=on", "start"]);
            if (start.ExitCode != 0)
            {
                lastFailure = new InvalidOperationException($"pg_ctl start failed ({start.ExitCode}): {start.Output}\n--- server log ---\n{ReadLog(log)}");
                continue;
            }

            var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false }.ConnectionString;
            await WaitUntilReadyAsync(admin, log);
            _adminConnectionString = admin;
        }

        if (_adminConnectionString is null)
        {
            throw lastFailure!;
        }

        ConnectionString = await CreateDatabaseAsync();
    }

    /// <summary>Creates a fresh, empty database (dropped at the end) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "dongming_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        _createdDatabases.Add(name);
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_folder is null)
        {
            // External server: drop only what the tests created there.
            if (_adminConnectionString is not null)
            {
                await using var connection = new NpgsqlConnection(_adminConnectionString);
                await connection.OpenAsync();
                foreach (var name in _createdDatabases)
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE);", connection);
                    await drop.ExecuteNonQueryAsync();
                }
            }

            return;
        }

        if (_adminConnectionString is not null)
        {
            await RunAsync(Path.Combine(_binDir!, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
    }

    private static async Task<string?> FindBinDirAsync()
    {
        try
        {
            var result = await RunAsync("pg_config", ["--bindir"], runAsUser: false, runAs: null);
            var dir = result.ExitCode == 0 ? result.Output.Trim() : null;
            return dir is not null && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres"))
                ? dir
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config itself is missing
        }
    }

    private async Task WaitUntilReadyAsync(string connectionString, string log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200); // polling a starting server process: nothing to await on (as tests/Shared/ServerChild.cs does)
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"PostgreSQL did not accept connections: {ex.Message}\n--- server log ---\n{ReadLog(log)}", ex);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string ReadLog(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no log)";

    private async Task RunCheckedAsync(string fileName, string[] arguments, bool runAsUser = true)
    {
        var result = await RunAsync(fileName, arguments, runAsUser);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Output}");
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, bool runAsUser = true) =>
        RunAsync(fileName, arguments, runAsUser, _runAs);

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, bool runAsUser, string? runAs)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAsUser && runAs is not null)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", runAs, "--", fileName, .. arguments])
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = fileName;
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
