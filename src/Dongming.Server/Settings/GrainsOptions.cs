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
}
