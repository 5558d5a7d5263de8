using System.Net;
using System.Net.Sockets;
using Dongming.Server.Settings;
using Dongming.Storage;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Hosting;

/// <summary>A start-up refusal whose one-line message says what to change; printed without a stack trace.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>
/// Checks made before anything starts, so a conflict fails in a second with one line naming the setting to change
/// instead of after the silo start and the demo load with a stack trace:
/// <list type="bullet">
/// <item>every TCP port the service will listen on is free. Orleans binds its silo and gateway ports with
/// SO_REUSEPORT on Linux, so a second silo on taken ports would start and silently share them: only a probe tells.</item>
/// <item>the data directory (embedded mode) is not used by another running process: a lock file held for the
/// process's lifetime (two silos on one SQLite journal would each think they own every ledger).</item>
/// <item>a data directory that held a journal (its <c>journal.id</c> marker) still has it: a wiped or missing
/// <c>dongming.db</c> is never taken for a first start.</item>
/// </list>
/// </summary>
public static class Preflight
{
    public const string LockFileName = "dongming.lock";
    public const string JournalFileName = "dongming.db";

    /// <summary>Written beside the journal when it is created; its content is the journal's id.</summary>
    public const string JournalMarkerFileName = "journal.id";

    /// <summary>Held for the process's lifetime: the data directory's lock.</summary>
    public sealed class DataDirectoryLock(FileStream? file) : IDisposable
    {
        public void Dispose() => file?.Dispose();
    }

    /// <summary>Runs the checks; throws <see cref="StartupException"/> naming every conflict in one line.</summary>
    public static DataDirectoryLock Check(IConfiguration configuration, string grpcUrls)
    {
        var options = configuration.GetSection(DongmingOptions.Section).Get<DongmingOptions>() ?? new DongmingOptions();
        var orleans = configuration.GetSection(DongmingOrleansOptions.Section).Get<DongmingOrleansOptions>() ?? new DongmingOrleansOptions();
        var problems = new List<string>();
        var cluster = options.IsCluster;

        var endpoints = Endpoints(configuration, grpcUrls, orleans, cluster).ToList();
        foreach (var port in endpoints.GroupBy(e => e.Endpoint.Port))
        {
            var settings = port.Select(e => e.Setting).Distinct().ToList();
            if (settings.Count > 1) problems.Add($"port {port.Key} is given to {string.Join(" and ", settings)}: each needs a port of its own");
        }
        var shares = problems.Count;
        foreach (var (endpoint, setting) in endpoints)
        {
            // One line per port: "localhost" is checked on each of its addresses.
            var problem = $"port {endpoint.Port} ({setting}) is in use";
            if (!IsFree(endpoint) && !problems.Contains(problem)) problems.Add(problem);
        }
        var portsTaken = problems.Count > shares;

        FileStream? held = null;
        if (!cluster)
        {
            var directory = Path.GetFullPath(options.DataDirectory);
            try
            {
                Security.SigningKeys.CreatePrivateDirectory(directory);
                held = Lock(Path.Combine(directory, LockFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            catch (IOException)
            {
                problems.Add($"the data directory {directory} is used by another running Dongming process (Dongming:DataDirectory)");
            }
            catch (UnauthorizedAccessException)
            {
                problems.Add($"the data directory {directory} is not writable (Dongming:DataDirectory)");
            }
            if (held is not null && WipedJournal(directory) is { } wiped) problems.Add(wiped);
        }

        if (problems.Count > 0)
        {
            held?.Dispose();
            throw new StartupException(string.Join("; ", problems) + (portsTaken ? " — another instance is probably running: give this one other values" : ""));
        }
        return new DataDirectoryLock(held);
    }

    /// <summary>
    /// Opens and locks a file for the process's lifetime: FileShare.None is flock(LOCK_EX) on Unix, released when the
    /// process ends, even by kill -9. Throws IOException when another process holds it.
    /// </summary>
    public static FileStream Lock(string path, UnixFileMode createMode)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = createMode;
        return new FileStream(path, options);
    }

    /// <summary>Why the data directory's journal must not be opened (it held one that is now missing or empty), or null.</summary>
    public static string? WipedJournal(string directory)
    {
        var marker = Path.Combine(directory, JournalMarkerFileName);
        var journal = Path.Combine(directory, JournalFileName);
        if (!File.Exists(marker)) return null;
        var state = !File.Exists(journal) ? "missing" : new FileInfo(journal).Length == 0 ? "empty" : null;
        return state is null ? null : WipedMessage(journal, state, marker);
    }

    public static string WipedMessage(string journal, string state, string marker) =>
        $"the journal {journal} is {state}, but this data directory held one ({marker}): refusing to start a new journal over it. " +
        $"Restore dongming.db from a backup (README, Backup and restore); to really start afresh, delete {marker}";

    /// <summary>Every TCP endpoint the service will listen on, with the setting that chooses it.</summary>
    public static IEnumerable<(IPEndPoint Endpoint, string Setting)> Endpoints(IConfiguration configuration, string grpcUrls, DongmingOrleansOptions orleans, bool cluster)
    {
        foreach (var url in grpcUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var endpoint in FromUrl(url)) yield return (endpoint, "--urls");
        }
        var metrics = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        var dashboard = configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (metrics.Port > 0) yield return (new IPEndPoint(cluster ? IPAddress.Any : IPAddress.Loopback, metrics.Port), "Dongming:Metrics:Port");
        if (dashboard.Enabled) yield return (new IPEndPoint(dashboard.AllowRemote ? IPAddress.Any : IPAddress.Loopback, dashboard.Port), "Dongming:Dashboard:Port");
        if (HttpApi.HttpJson.Port(configuration) is > 0 and var http) yield return (new IPEndPoint(HttpApi.HttpJson.Address(configuration, cluster), http), "Dongming:Http:Port");
        var any = cluster ? IPAddress.Any : IPAddress.Loopback;
        yield return (new IPEndPoint(any, orleans.SiloPort), "Dongming:Orleans:SiloPort");
        yield return (new IPEndPoint(any, orleans.GatewayPort), "Dongming:Orleans:GatewayPort");
    }

    /// <summary>The addresses Kestrel binds for a URL: localhost is both loopbacks, a name or wildcard is every address.</summary>
    private static IEnumerable<IPEndPoint> FromUrl(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Port <= 0)
            yield break;
        var host = uri.Host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            yield return new IPEndPoint(IPAddress.Loopback, uri.Port);
            if (Socket.OSSupportsIPv6) yield return new IPEndPoint(IPAddress.IPv6Loopback, uri.Port);
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            yield return new IPEndPoint(ip, uri.Port);
        }
        else
        {
            yield return new IPEndPoint(IPAddress.Any, uri.Port);
        }
    }

    /// <summary>True when nothing listens on the endpoint (a plain bind, without SO_REUSEPORT, fails if anyone does).</summary>
    public static bool IsFree(IPEndPoint endpoint)
    {
        try
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(endpoint);
            socket.Listen(1);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
        catch (SocketException)
        {
            return true; // e.g. an address this machine lacks: Kestrel reports that itself
        }
    }
}

/// <summary>The one line a start-up failure is reported with, for failures a user can fix; null for a bug (keeps its stack trace).</summary>
public static class StartupFailure
{
    public static string? Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StartupException s:
                    return s.Message;
                case OptionsValidationException o:
                    return "invalid settings: " + string.Join("; ", o.Failures);
                case JournalException { Fault: JournalFault.Missing } j:
                    return j.Message;
                case JournalException { Fault: JournalFault.Corrupt } j:
                    return j.Message + ": restore the journal from a backup (README, Backup and restore)";
                case IOException io when io.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                    return io.Message.TrimEnd('.') + " — another instance is probably running; change --urls, Dongming:Metrics:Port, Dongming:Dashboard:Port or Dongming:Http:Port";
                case AggregateException { InnerExceptions.Count: > 0 } a:
                    return a.InnerExceptions.Select(Describe).FirstOrDefault(d => d is not null);
            }
        }
        return null;
    }
}
