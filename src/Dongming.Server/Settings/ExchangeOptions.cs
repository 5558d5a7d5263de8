using System.ComponentModel.DataAnnotations;

namespace Dongming.Server.Settings;

/// <summary>Imports and exports of sheets (section <c>Dongming:Exchange</c>).</summary>
public sealed class ExchangeOptions
{
    public const string Section = "Dongming:Exchange";

    /// <summary>
    /// Largest file an import takes (bytes). The gRPC limit of ExchangeService's messages is this plus 64 KiB for the
    /// request's other fields; a larger file is refused with RESOURCE_EXHAUSTED.
    /// </summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Room for the fields of an import request besides its file.</summary>
    public const int RequestOverhead = 64 * 1024;
}
