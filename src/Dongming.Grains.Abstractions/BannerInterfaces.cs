using System.Collections.Immutable;
using Dongming.Domain;
using Orleans.Concurrency;

namespace Dongming.Grains.Abstractions;

/// <summary>Grain keys of banners (旗).</summary>
public static class BannerKeys
{
    /// <summary>The one directory of banners and their member townships.</summary>
    public const string Directory = "banners/main";

    /// <summary>A banner's kept totals.</summary>
    public static string Banner(string bannerId) => "banner/" + bannerId;
}

/// <summary>
/// The banners and their member townships (event-sourced): which banner a township belongs to, at most one. Reads
/// interleave with registrations: adding a township calls the banner, whose townships may ask here while loading.
/// </summary>
[Alias("Dongming.IBannerDirectoryGrain")]
public interface IBannerDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Registers a banner without townships (idempotent for the same name).</summary>
    [Alias("RegisterBanner")] Task<BannerInfo> RegisterBanner(string bannerId, string name, Actor actor);

    /// <summary>
    /// Adds a registered township to a banner (idempotent), then has the banner count it (also on a retry, which
    /// completes a first attempt that stopped in between).
    /// </summary>
    [Alias("AddTownship")] Task<BannerInfo> AddTownship(string bannerId, string townshipId, Actor actor);

    /// <summary>The banner with its townships, or NotFound.</summary>
    [Alias("GetBanner"), AlwaysInterleave] Task<BannerInfo> GetBanner(string bannerId);

    /// <summary>The banner, or null when unknown.</summary>
    [Alias("FindBanner"), AlwaysInterleave] Task<BannerInfo?> FindBanner(string bannerId);

    /// <summary>The banner a township belongs to, or null.</summary>
    [Alias("BannerOf"), AlwaysInterleave] Task<string?> BannerOf(string townshipId);
}

/// <summary>
/// A banner's kept totals (旗汇总): the sum of its townships' totals, kept from the changes each township forwards
/// after applying them. Derived state, rebuilt from the townships when loaded.
/// </summary>
[Alias("Dongming.IBannerGrain")]
public interface IBannerGrain : IGrainWithStringKey
{
    /// <summary>Applies one township's change; returns false when the township must send its whole part.</summary>
    [Alias("Apply")] Task<bool> Apply(BannerChange change);

    /// <summary>Replaces one township's whole part.</summary>
    [Alias("ApplyFull")] Task ApplyFull(BannerPartFull part);

    /// <summary>Counts a township that has just joined (the directory calls it after recording the membership).</summary>
    [Alias("Join")] Task Join(string townshipId);

    /// <summary>Totals of one period (no indicators = all); the period and codes are validated here. Unknown banner: NotFound.</summary>
    [Alias("GetTotals"), ReadOnly] Task<BannerTotalsAnswer> GetTotals(string period, ImmutableArray<string> indicators, bool includeBreakdown);

    /// <summary>Waits until the totals' version differs from <paramref name="knownVersion"/> or the timeout passes; returns the version.</summary>
    [Alias("WaitForChange"), AlwaysInterleave] Task<long> WaitForChange(long knownVersion, TimeSpan timeout);

    /// <summary>Re-reads every township's part, recounts every kept sum, and corrects what differs.</summary>
    [Alias("Repair")] Task<BannerRepair> Repair(CancellationToken cancellationToken = default);
}
