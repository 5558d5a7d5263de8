namespace Dongming.Server.Settings;

/// <summary>
/// Grain lifetimes (section <c>Dongming:Grains</c>). A grain that has not been called for <see cref="CollectionAge"/>
/// is deactivated and its memory freed; the next call activates it again from its snapshot and journal. Township
/// grains keep themselves active (their checkpoint timer); villages' ledgers are the ones that come and go.
/// </summary>
public sealed class GrainsOptions
{
    public const string Section = "Dongming:Grains";

    /// <summary>Smallest accepted <see cref="CollectionAge"/>.</summary>
    public static readonly TimeSpan MinimumCollectionAge = TimeSpan.FromSeconds(2);

    /// <summary>Idle time after which a grain is deactivated (Orleans' default: 15 minutes).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// When the silo's managed memory reaches this share (percent) of what the runtime may use (the container's limit,
    /// <c>DOTNET_GCHeapHardLimit</c>, or the machine's memory), the least recently used grains are deactivated before
    /// their age (Orleans' activation shedding), down to <see cref="ShedToMemoryPercent"/>; 0 turns it off.
    /// </summary>
    public int ShedAtMemoryPercent { get; set; } = 80;

    /// <summary>The share of memory (percent) shedding brings the silo back to; below <see cref="ShedAtMemoryPercent"/>.</summary>
    public int ShedToMemoryPercent { get; set; } = 70;

    /// <summary>
    /// Activate every registered township as the server starts (in the background: the server does not wait), so that
    /// the first read after a restart finds its totals loaded instead of waiting for the load.
    /// </summary>
    public bool LoadTownshipsAtStart { get; set; } = true;

    /// <summary>Every bad setting of the section, described (empty when all are valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CollectionAge < MinimumCollectionAge) problems.Add($"{Section}:CollectionAge must be at least {MinimumCollectionAge}");
        if (ShedAtMemoryPercent is < 0 or > 100) problems.Add($"{Section}:ShedAtMemoryPercent must be between 0 (off) and 100");
        if (ShedAtMemoryPercent > 0 && (ShedToMemoryPercent <= 0 || ShedToMemoryPercent >= ShedAtMemoryPercent))
            problems.Add($"{Section}:ShedToMemoryPercent must be above 0 and below ShedAtMemoryPercent");
        return problems;
    }
}
