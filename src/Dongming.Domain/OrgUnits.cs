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

/// <summary>A gacha/village (嘎查村) on a township's roster.</summary>
public sealed record VillageInfo(string VillageId, string Name, VillageKind Kind, string TownshipId);

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

/// <summary>Validation of roster entries.</summary>
public static class Roster
{
    public static void Check(VillageInfo village)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", village.VillageId);
        Text.CheckText(v, "name", village.Name, 64, required: true);
        Text.CheckOrgUnitId(v, "township_id", village.TownshipId);
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
}
