using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dongming.Server.HttpApi;
using Dongming.Server.Settings;

namespace Dongming.Server.Hosting;

/// <summary>
/// In embedded mode, a port left at its default that another process already listens on (usually another instance
/// on this machine) moves to a free port, so <c>dotnet run --project src/Dongming.Server</c> serves beside it. A port
/// given explicitly never moves: the start is refused instead (<see cref="Preflight"/>), as it is in cluster mode,
/// where peers and Kubernetes rely on the configured ports.
/// </summary>
public static class DefaultPorts
{
    /// <summary>A port that moved: the setting, its default and the port taken instead.</summary>
    public sealed record Move(string Setting, int From, int To);

    /// <summary>The moves made at start-up (empty when every default was free); logged with the serving line.</summary>
    public sealed record Moves(IReadOnlyList<Move> All);

    /// <summary>
    /// Held for the process's lifetime by the instance that uses the default ports. Kestrel and the silo bind their
    /// ports only once the silo has started, seconds after the probe: without the claim, two instances started
    /// together would both find the defaults free, and the second would fail to bind (or, on the silo port, which
    /// Orleans binds with SO_REUSEPORT, silently share it).
    /// </summary>
    public sealed class Claim(FileStream? file) : IDisposable
    {
        public void Dispose() => file?.Dispose();
    }

    /// <summary>The machine-wide file whose lock is the claim on the default ports.</summary>
    public static string ClaimPath => Path.Combine(Path.GetTempPath(), "dongming-default-ports.lock");

    /// <summary>
    /// Moves the defaulted ports of an embedded-mode start to free ones when another instance claimed the defaults or
    /// something listens on them, by adding the new values as the configuration's last (winning) source.
    /// </summary>
    public static (IReadOnlyList<Move> Moves, Claim Claim) MoveTaken(ConfigurationManager configuration)
    {
        var options = configuration.GetSection(DongmingOptions.Section).Get<DongmingOptions>() ?? new DongmingOptions();
        if (options.IsCluster) return ([], new Claim(null));

        var defaults = new List<(string Setting, int Port, IPAddress[] Addresses)>();
        if (string.IsNullOrEmpty(configuration["urls"]))
        {
            // localhost is both loopbacks: the port must be free on each.
            defaults.Add(("--urls", new Uri(DongmingHost.DefaultUrl).Port, Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback]));
        }
        if (configuration[MetricsOptions.Section + ":Port"] is null)
            defaults.Add((MetricsOptions.Section + ":Port", new MetricsOptions().Port, [IPAddress.Loopback]));
        var dashboard = configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (dashboard.Enabled && configuration[DashboardOptions.Section + ":Port"] is null)
            defaults.Add((DashboardOptions.Section + ":Port", dashboard.Port, [dashboard.AllowRemote ? IPAddress.Any : IPAddress.Loopback]));
        if (configuration[HttpApiOptions.Section + ":Port"] is null && HttpJson.Port(configuration) is > 0 and var http)
            defaults.Add((HttpApiOptions.Section + ":Port", http, [HttpJson.Address(configuration, cluster: false)]));
        var orleans = new DongmingOrleansOptions();
        foreach (var (key, port) in new[] { ("SiloPort", orleans.SiloPort), ("GatewayPort", orleans.GatewayPort) })
        {
            if (configuration[DongmingOrleansOptions.Section + ":" + key] is null)
                defaults.Add((DongmingOrleansOptions.Section + ":" + key, port, [IPAddress.Loopback]));
        }
        if (defaults.Count == 0) return ([], new Claim(null));

        var claim = TryClaim();
        var moves = new List<Move>();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var chosen = new HashSet<int>(defaults.Select(d => d.Port));
        foreach (var (setting, port, addresses) in defaults)
        {
            if (claim is not null && addresses.All(a => Preflight.IsFree(new IPEndPoint(a, port)))) continue;
            if (FreePort(addresses, chosen) is not { } free) continue; // none found: the preflight names the taken default
            moves.Add(new Move(setting, port, free));
            values[setting == "--urls" ? "urls" : setting] = setting == "--urls"
                ? new UriBuilder(DongmingHost.DefaultUrl) { Port = free }.Uri.ToString().TrimEnd('/')
                : free.ToString(CultureInfo.InvariantCulture);
        }
        if (values.Count > 0) configuration.AddInMemoryCollection(values);
        return (moves, new Claim(claim));
    }

    /// <summary>The claim's file, locked (flock, released when the process ends, even by kill -9), or null when another process holds it.</summary>
    private static FileStream? TryClaim()
    {
        try
        {
            var lockOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) lockOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
            return new FileStream(ClaimPath, lockOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // held by another instance (or another user's file): the defaults are theirs
        }
    }

    /// <summary>A port free on every address and not chosen for another setting, or null.</summary>
    private static int? FreePort(IPAddress[] addresses, HashSet<int> chosen)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var listener = new TcpListener(addresses[0], 0);
            listener.Start();
            var candidate = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (chosen.Contains(candidate) || !addresses.All(a => Preflight.IsFree(new IPEndPoint(a, candidate)))) continue;
            chosen.Add(candidate);
            return candidate;
        }
        return null;
    }

    private static string I(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The warning that goes with the serving line, or null when nothing moved.</summary>
    public static string? Describe(IReadOnlyList<Move> moves) =>
        moves.Count == 0
            ? null
            : "The default ports are taken (another instance runs on this machine), so this one took free ones: "
              + string.Join("; ", moves.Select(m => $"{m.Setting} {m.From} → {m.To}"))
              + ". Set them explicitly to choose; an explicit port in use refuses the start";
}
