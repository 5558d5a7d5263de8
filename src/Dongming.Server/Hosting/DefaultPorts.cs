using System.Globalization;
using System.Net;
using System.Net.Sockets;
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

    /// <summary>
    /// What the start-up decided: the ports that moved (empty when every default was free), logged with the serving
    /// line; and, held for the process's lifetime by the instance that uses the default ports, the claim on them.
    /// Kestrel and the silo bind their ports only once the silo has started, seconds after the probe: without the
    /// claim, two instances started together would both find the defaults free, and the second would fail to bind (or,
    /// on the silo port, which Orleans binds with SO_REUSEPORT, silently share it).
    /// </summary>
    public sealed class Claim(FileStream? file, IReadOnlyList<Move> moves) : IDisposable
    {
        public IReadOnlyList<Move> Moves { get; } = moves;

        public void Dispose() => file?.Dispose();
    }

    /// <summary>The machine-wide file whose lock is the claim on the default ports.</summary>
    private static string ClaimPath => Path.Combine(Path.GetTempPath(), "dongming-default-ports.lock");

    /// <summary>
    /// Moves the defaulted ports of an embedded-mode start to free ones when another instance claimed the defaults or
    /// something listens on them, by adding the new values as the configuration's last (winning) source.
    /// </summary>
    public static Claim MoveTaken(ConfigurationManager configuration)
    {
        var options = configuration.GetSection(DongmingOptions.Section).Get<DongmingOptions>() ?? new DongmingOptions();
        if (options.IsCluster) return new Claim(null, []);
        var orleans = configuration.GetSection(DongmingOrleansOptions.Section).Get<DongmingOrleansOptions>() ?? new DongmingOrleansOptions();
        var grpcUrls = string.IsNullOrEmpty(configuration["urls"]) ? DongmingHost.DefaultUrl : configuration["urls"]!;
        // The endpoints the preflight checks, those of settings left unset: each at its default port, on its addresses.
        var defaults = Preflight.Endpoints(configuration, grpcUrls, orleans, cluster: false)
            .GroupBy(e => e.Setting)
            .Where(g => configuration[Key(g.Key)] is null)
            .Select(g => (Setting: g.Key, g.First().Endpoint.Port, Addresses: g.Select(e => e.Endpoint.Address).ToArray()))
            .ToList();
        if (defaults.Count == 0) return new Claim(null, []);

        var claim = TryClaim();
        var moves = new List<Move>();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var chosen = new HashSet<int>(defaults.Select(d => d.Port));
        foreach (var (setting, port, addresses) in defaults)
        {
            if (claim is not null && addresses.All(a => Preflight.IsFree(new IPEndPoint(a, port)))) continue;
            if (FreePort(addresses, chosen) is not { } free) continue; // none found: the preflight names the taken default
            moves.Add(new Move(setting, port, free));
            values[Key(setting)] = setting == "--urls"
                ? new UriBuilder(DongmingHost.DefaultUrl) { Port = free }.Uri.ToString().TrimEnd('/')
                : free.ToString(CultureInfo.InvariantCulture);
        }
        if (values.Count > 0) configuration.AddInMemoryCollection(values);
        return new Claim(claim, moves);
    }

    /// <summary>The configuration key of a setting the preflight names.</summary>
    private static string Key(string setting) => setting == "--urls" ? "urls" : setting;

    /// <summary>The claim's file, locked, or null when another process holds it.</summary>
    private static FileStream? TryClaim()
    {
        try
        {
            return Preflight.Lock(ClaimPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
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

    /// <summary>The warning that goes with the serving line, or null when nothing moved.</summary>
    public static string? Describe(IReadOnlyList<Move> moves) =>
        moves.Count == 0
            ? null
            : "The default ports are taken (another instance runs on this machine), so this one took free ones: "
              + string.Join("; ", moves.Select(m => $"{m.Setting} {m.From} → {m.To}"))
              + ". Set them explicitly to choose; an explicit port in use refuses the start";
}
