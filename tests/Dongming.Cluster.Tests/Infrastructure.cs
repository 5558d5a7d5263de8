using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Dongming.Cluster.Tests.Infrastructure))]
// Three silos per test on a 2-core machine: one test at a time.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace Dongming.Cluster.Tests;

/// <summary>
/// PostgreSQL and Redis on loopback, started once for the assembly from the Debian packages (postgresql-15,
/// redis-server): initdb into a temp folder and pg_ctl on a free port; redis-server on a free port without
/// persistence. Each test takes a fresh database and its own Orleans cluster id. Without the binaries
/// <see cref="SkipReason"/> says why, and the cluster tests skip.
/// </summary>
public sealed class Infrastructure : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private string? _folder;
    private string? _pgFolder;
    private string? _binDir;
    private string? _runAs;
    private string? _admin;
    private Process? _redis;

    /// <summary>Why the cluster tests cannot run, or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>StackExchange.Redis configuration of the test Redis.</summary>
    public string Redis { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var missing = new List<string>();
        _binDir = await FindPostgresBinDirAsync();
        if (_binDir is null) missing.Add("PostgreSQL server binaries (pg_config --bindir with initdb, pg_ctl, postgres; apt-get install postgresql-15)");
        var redisServer = Which("redis-server");
        if (redisServer is null) missing.Add("redis-server (apt-get install redis-server)");
        if (missing.Count > 0)
        {
            SkipReason = $"Cluster tests need {string.Join(" and ", missing)}; not installed here. .ci/run installs both.";
            return;
        }

        _folder = Path.Combine(Path.GetTempPath(), "dongming-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        await StartRedisAsync(redisServer!);
        await StartPostgresAsync();
    }

    /// <summary>A fresh, empty database (the journal of one test's cluster).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "dongming_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(_admin) { Database = name, Pooling = true }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is { HasExited: false })
        {
            _redis.Kill(entireProcessTree: true);
            await _redis.WaitForExitAsync();
        }
        _redis?.Dispose();
        if (_admin is not null) await RunAsync(Path.Combine(_binDir!, "pg_ctl"), ["-D", Path.Combine(_pgFolder!, "data"), "-m", "immediate", "-w", "stop"]);
        if (_folder is not null)
        {
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { } // a leftover temp folder is not worth failing the run for
            catch (UnauthorizedAccessException) { }
        }
    }

    public static int FreePort() => Dongming.Tests.Shared.ServerChild.FreePort();

    private async Task StartRedisAsync(string redisServer)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(redisServer) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _folder };
            foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", _folder! })
                info.ArgumentList.Add(a);
            var process = Process.Start(info)!;
            var log = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var until = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < until && !process.HasExited)
            {
                if (await PingRedisAsync(port))
                {
                    _redis = process;
                    Redis = $"127.0.0.1:{port},abortConnect=false";
                    return;
                }
                await Task.Delay(100); // polling a starting process
            }
            if (!process.HasExited) process.Kill();
            process.Dispose();
            if (attempt == 2) throw new InvalidOperationException($"redis-server did not start:\n{log}");
        }
    }

    private static async Task<bool> PingRedisAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException) { return false; }
        catch (IOException) { return false; }
    }

    private async Task StartPostgresAsync()
    {
        var folder = Path.Combine(_folder!, "pg");
        Directory.CreateDirectory(folder);
        if (Environment.IsPrivilegedProcess)
        {
            // initdb and postgres refuse to run as root.
            _runAs = (await RunAsync("id", ["-u", "postgres"], runAsUser: false)).ExitCode == 0 ? "postgres" : "nobody";
            await RunCheckedAsync("chown", ["-R", _runAs, folder], runAsUser: false);
        }
        _pgFolder = folder;
        var data = Path.Combine(folder, "data");
        await RunCheckedAsync(Path.Combine(_binDir!, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        var log = Path.Combine(folder, "server.log");
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var start = await RunAsync(Path.Combine(_binDir!, "pg_ctl"),
                ["-D", data, "-l", log, "-w", "-t", "60", "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200", "start"]);
            if (start.ExitCode == 0)
            {
                _admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false }.ConnectionString;
                return;
            }
            if (attempt == 2) throw new InvalidOperationException($"pg_ctl start failed ({start.ExitCode}): {start.Output}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
        }
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task<string?> FindPostgresBinDirAsync()
    {
        if (Which("pg_config") is null) return null;
        var result = await RunAsync("pg_config", ["--bindir"], runAsUser: false, runAs: null);
        var dir = result.ExitCode == 0 ? result.Output.Trim() : null;
        return dir is not null && new[] { "initdb", "pg_ctl", "postgres" }.All(f => File.Exists(Path.Combine(dir, f))) ? dir : null;
    }

    private async Task RunCheckedAsync(string fileName, string[] arguments, bool runAsUser = true)
    {
        var result = await RunAsync(fileName, arguments, runAsUser);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Output}");
    }

    private Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, bool runAsUser = true) => RunAsync(fileName, arguments, runAsUser, _runAs);

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, bool runAsUser, string? runAs)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        string[] args = runAsUser && runAs is not null ? ["-u", runAs, "--", fileName, .. arguments] : arguments;
        start.FileName = runAsUser && runAs is not null ? "runuser" : fileName;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
