namespace Dongming.Domain;

/// <summary>Whether a village-level unit is a gacha (嘎查) or a village (村), as far as is known.</summary>
public enum VillageKind
{
    /// <summary>嘎查: pastoral.</summary>
    Gacha,
    /// <summary>村: agricultural.</summary>
    Village,
    /// <summary>Not known from the sources.</summary>
    Unknown,
}

/// <summary>
/// A gacha/village (嘎查村) on a township's roster. <see cref="RetiredFrom"/> is set once it is retired: it stays
/// in the roster and its history, and leaves the township's totals from that period on. <see cref="ActiveFrom"/>, given
/// at registration, is the first period it exists for (a village founded or split off later); null: always.
/// Completeness counts a village as expected only for the periods it exists in.
/// </summary>
public sealed record VillageInfo(string VillageId, string Name, VillageKind Kind, string TownshipId, string? RetiredFrom = null, string? ActiveFrom = null)
{
    /// <summary>The registration as asked for (a retirement is not part of what registers a village).</summary>
    public VillageInfo AsRegistered() => this with { RetiredFrom = null };
}

/// <summary>
/// A township (镇). Its statistical code names the code system: the statistics division code (统计用区划代码)
/// and the civil-affairs code number the same township differently.
/// </summary>
public sealed record TownshipInfo(string TownshipId, string Name, string StatisticalCode, string CodeSystem);

/// <summary>What an org unit (a ledger that reports figures and holds cases) is.</summary>
public enum OrgUnitLevel
{
    /// <summary>A gacha/village.</summary>
    Village,
    /// <summary>The township's own entries (镇本级), such as the town area.</summary>
    Township,
}

/// <summary>
/// An org unit: a ledger on the roster — a village, or a township's own entries (镇本级). The word covers both
/// because both report figures and hold cases (a case's <c>village_id</c> on the wire is any org unit id).
/// </summary>
public sealed record OrgUnitInfo(string OrgUnitId, OrgUnitLevel Level, string TownshipId, string Name, VillageKind Kind, Period? RetiredFrom = null)
{
    /// <summary>True when the org unit's figures of <paramref name="period"/> count in its township's totals.</summary>
    public bool Counts(Period period) => RetiredFrom is not { } from || period.Start < from.Start;
}

/// <summary>Retiring a village (撤并, merged or dissolved): kept in history, out of the totals from a period on.</summary>
public sealed record RetireCommand(string VillageId, string? FromPeriod, string? RequestId, string? Reason);

/// <summary>A retirement that passed validation.</summary>
public sealed record ValidatedRetire(string VillageId, Period FromPeriod, string RequestId, string Reason)
{
    public string Fingerprint => Reporting.Fingerprint("retire", VillageId, FromPeriod.ToString(), Reason);
}

/// <summary>Validation of roster entries.</summary>
public static class Roster
{
    public static void Check(VillageInfo village)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", village.VillageId);
        Text.CheckText(v, "name", village.Name, 64, required: true);
        Text.CheckOrgUnitId(v, "township_id", village.TownshipId);
        if (!Enum.IsDefined(village.Kind)) v.Add("kind", "is not a known kind");
        if (!string.IsNullOrEmpty(village.ActiveFrom)) Period.Parse(v, "active_from", village.ActiveFrom);
        v.ThrowIfAny();
    }

    public static void Check(TownshipInfo township)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township.township_id", township.TownshipId);
        Text.CheckText(v, "township.name", township.Name, 64, required: true);
        Text.CheckText(v, "township.statistical_code", township.StatisticalCode, 32);
        Text.CheckText(v, "township.code_system", township.CodeSystem, 32);
        if (!string.IsNullOrEmpty(township.StatisticalCode) && string.IsNullOrEmpty(township.CodeSystem))
            v.Add("township.code_system", "is required with a statistical code (two code systems number townships differently)");
        v.ThrowIfAny();
    }

    public static ValidatedRetire Validate(RetireCommand command)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", command.VillageId);
        var from = Period.Parse(v, "from_period", command.FromPeriod);
        Text.CheckRequestId(v, "request_id", command.RequestId);
        Text.CheckText(v, "reason", command.Reason, Text.MaxNoteLength, required: true, allowNewLines: true);
        v.ThrowIfAny();
        return new ValidatedRetire(command.VillageId, from!.Value, command.RequestId!, command.Reason!);
    }
}

/// <summary>A township and how many villages its roster holds.</summary>
public sealed record TownshipRoster(TownshipInfo Township, int VillageCount);

/// <summary>One page of a township's villages, ordered by id, and the token of the next page (null on the last).</summary>
public sealed record VillagePage(IReadOnlyList<VillageInfo> Villages, string? NextPageToken);
