using System.ComponentModel.DataAnnotations;

namespace Dongming.Server.Hosting;

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

/// <summary>Demo data (section <c>Dongming:Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "Dongming:Demo";

    /// <summary>Load the 2023 dataset of Dongming township on start (idempotent).</summary>
    public bool Load { get; set; } = true;
}
