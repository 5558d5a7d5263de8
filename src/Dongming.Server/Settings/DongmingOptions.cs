using System.ComponentModel.DataAnnotations;

namespace Dongming.Server.Settings;

/// <summary>The service's settings (section <c>Dongming</c>); every one is documented in the README.</summary>
public sealed class DongmingOptions
{
    public const string Section = "Dongming";

    /// <summary><c>embedded</c> (one machine: localhost clustering + SQLite) or <c>cluster</c> (Redis membership + PostgreSQL journal).</summary>
    [RegularExpression("^(embedded|cluster)$", ErrorMessage = "Dongming:Mode must be 'embedded' or 'cluster'")]
    public string Mode { get; set; } = "embedded";

    /// <summary>Where the SQLite journal and the embedded signing key live.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    public bool IsCluster => Mode == "cluster";
}

/// <summary>Orleans settings (section <c>Dongming:Orleans</c>).</summary>
public sealed class DongmingOrleansOptions
{
    public const string Section = "Dongming:Orleans";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    [Required]
    public string ClusterId { get; set; } = "dongming";

    [Required]
    public string ServiceId { get; set; } = "dongming";

    /// <summary>The address other silos reach this one at (a pod's IP); empty = loopback in embedded mode, first non-loopback address in cluster mode.</summary>
    public string? AdvertisedAddress { get; set; }
}

/// <summary>
/// Failure detection of the cluster (section <c>Dongming:Orleans:Membership</c>). Every silo probes a few others
/// every <see cref="ProbeTimeout"/>; after <see cref="MissedProbesLimit"/> missed probes in a row it votes the
/// silo dead, and two votes (one with two silos) declare it dead. So a killed silo is declared dead after about
/// ProbeTimeout × (MissedProbesLimit + 1): ~20 s with the defaults (Orleans' own), ~4 s in the cluster tests
/// (1 s, 3). Until then calls to grains that lived on it fail; afterwards they activate on the survivors.
/// </summary>
public sealed class DongmingMembershipOptions
{
    public const string Section = "Dongming:Orleans:Membership";

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MissedProbesLimit { get; set; } = 3;
}

/// <summary>Demo data (section <c>Dongming:Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "Dongming:Demo";

    /// <summary>Load the 2023 dataset of Dongming township on start (idempotent).</summary>
    public bool Load { get; set; } = true;
}

/// <summary>Prometheus scrape endpoint (section <c>Dongming:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Dongming:Metrics";

    /// <summary>HTTP/1.1 port of <c>/metrics</c>; 0 turns it off. All interfaces in cluster mode (Prometheus scrapes the pod IP), loopback in embedded mode.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9464;
}

/// <summary>Traces (section <c>Dongming:Tracing</c>).</summary>
public sealed class TracingOptions
{
    public const string Section = "Dongming:Tracing";

    /// <summary>
    /// Share of calls traced when the caller sends no trace context (0..1); a caller's sampled <c>traceparent</c> is
    /// always followed. Each traced call costs a server span and its grain-call spans.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 0.05;
}

/// <summary>Orleans Dashboard (section <c>Dongming:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dongming:Dashboard";

    /// <summary>Serve the dashboard (off by default; the k8s manifests turn it on).</summary>
    public bool Enabled { get; set; }

    /// <summary>HTTP/1.1 port of the dashboard.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>
    /// Listen on all interfaces instead of loopback only. Every dashboard request needs an admin token, but the
    /// dashboard is an operator's tool with a large surface, so by default only a local user (or
    /// <c>kubectl port-forward</c>, which connects to the pod's loopback) reaches it.
    /// </summary>
    public bool AllowRemote { get; set; }
}

/// <summary>
/// Limits on the connections the service accepts (section <c>Dongming:Connections</c>), so a flood of idle or
/// slow connections is refused instead of exhausting the process's file descriptors.
/// </summary>
public sealed class ConnectionOptions
{
    public const string Section = "Dongming:Connections";

    /// <summary>
    /// Most open connections on all endpoints together; null = half of the open files the process has left at start
    /// (its limit minus what it holds then — the loaded assemblies alone hold ~300), at most 10,000; 0 = no limit.
    /// </summary>
    [Range(0, 1_000_000)]
    public int? MaxConnections { get; set; }

    /// <summary>Most open connections from one remote address; 0 = no limit.</summary>
    [Range(0, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 1000;

    /// <summary>A connection that sends nothing (no request, no ping answer) for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Time a new connection has to complete its TLS handshake and send its request headers.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent gRPC calls (HTTP/2 streams) on one connection.</summary>
    [Range(1, 10_000)]
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>An HTTP/2 ping is sent after this long without traffic (finds dead peers holding streams open).</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A connection whose ping is not answered within this time is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The limit in force: <see cref="MaxConnections"/>, or the default derived from the open files left (see there).</summary>
    public int EffectiveMaxConnections() => MaxConnections ?? Math.Clamp((OpenFileLimit() - OpenFileCount()) / 2, 16, 10_000);

    /// <summary>Files (descriptors) this process holds open now (Linux: /proc/self/fd), or 0 where unknown.</summary>
    public static int OpenFileCount()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Problems of the settings (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("IdleTimeout", IdleTimeout), ("HandshakeTimeout", HandshakeTimeout), ("KeepAlivePingDelay", KeepAlivePingDelay), ("KeepAlivePingTimeout", KeepAlivePingTimeout) })
        {
            if (value <= TimeSpan.Zero) problems.Add($"{Section}:{name} must be positive");
        }
        return problems;
    }

    /// <summary>The soft limit of open files of this process (Linux: /proc/self/limits), or 20,000 where unknown.</summary>
    public static int OpenFileLimit()
    {
        const int Unknown = 20_000;
        try
        {
            if (!File.Exists("/proc/self/limits")) return Unknown;
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return int.TryParse(soft, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : Unknown;
            }
        }
        catch (IOException)
        {
        }
        return Unknown;
    }
}
