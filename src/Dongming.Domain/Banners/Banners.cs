namespace Dongming.Domain;

/// <summary>A banner (旗) above townships and its member townships (ordered by id).</summary>
public sealed record BannerInfo(string BannerId, string Name, IReadOnlyList<string> TownshipIds);

/// <summary>
/// A township's total of one (period, indicator) as its banner keeps it: the township's total, how many of its
/// villages report it, whether it is a lower bound, and how many of its org units' parts are partial or rolled up.
/// </summary>
public sealed record BannerFigure(decimal Value, int Villages, bool AtLeast, int Partial, int RolledUp);

/// <summary>
/// What changed in a township's totals between two versions of its kept totals (keys "period|indicator"; null =
/// the total is gone). <see cref="Epoch"/> names the township's activation: versions compare only within one.
/// </summary>
public sealed record BannerChange(string TownshipId, string Epoch, long BaseVersion, long NewVersion, IReadOnlyDictionary<string, BannerFigure?> Figures, DateTimeOffset At);

/// <summary>A township's whole part of its banner's totals at one version of its kept totals.</summary>
public sealed record BannerPartFull(string TownshipId, string Epoch, long Version, IReadOnlyDictionary<string, BannerFigure> Figures, DateTimeOffset At);

/// <summary>A banner's totals for one period at one version of its kept sums.</summary>
public sealed record BannerTotalsAnswer(string BannerId, Period Period, IReadOnlyList<TotalFigure> Totals, DateTimeOffset AsOf, long Version, int TownshipCount);

/// <summary>What a repair of a banner's totals corrected, and the version afterwards.</summary>
public sealed record BannerRepair(IReadOnlyList<string> CorrectedTownships, long Version, IReadOnlyList<string> RecountedTotals);

/// <summary>The rules of banners and their membership, one function each.</summary>
public static class BannerRules
{
    /// <summary>A banner's registration: a well-formed id and a name (every bad field at once).</summary>
    public static void CheckRegistration(string? bannerId, string? name)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "banner_id", bannerId);
        Text.CheckText(v, "name", name, 64, required: true);
        v.ThrowIfAny();
    }

    /// <summary>The ids of a membership request: the banner and the township (every bad field at once).</summary>
    public static void CheckMembership(string? bannerId, string? townshipId)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "banner_id", bannerId);
        Text.CheckOrgUnitId(v, "township_id", townshipId);
        v.ThrowIfAny();
    }

    /// <summary>
    /// Whether a registered township may join a banner: true when it must be recorded, false when it is a member
    /// already (nothing to do). A township belongs to at most one banner, and a banner's org units together stay
    /// within <see cref="ValueRange.MaxOrgUnitsPerBanner"/> (the limit that keeps every banner total exact).
    /// </summary>
    public static bool Join(string bannerId, string townshipId, string? currentBanner, int bannerOrgUnits, int townshipOrgUnits)
    {
        if (currentBanner == bannerId) return false;
        if (currentBanner is not null) throw DomainException.Precondition($"township {townshipId} already belongs to banner {currentBanner}; a township belongs to at most one banner");
        if (bannerOrgUnits + townshipOrgUnits > ValueRange.MaxOrgUnitsPerBanner)
            throw DomainException.Precondition($"banner {bannerId} would hold more than {ValueRange.MaxOrgUnitsPerBanner} org units, the most one banner holds (the limit keeps every total exact)");
        return true;
    }

    /// <summary>A registration again: the same definition is the same banner; another is ALREADY_EXISTS.</summary>
    public static bool IsNew(BannerInfo? existing, string bannerId, string name)
    {
        if (existing is null) return true;
        if (existing.Name == name) return false;
        throw new DomainException(ErrorKind.AlreadyExists, $"banner {bannerId} exists with a different name");
    }
}
