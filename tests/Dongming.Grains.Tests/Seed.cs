using Dongming.Domain;

namespace Dongming.Grains.Tests;

/// <summary>A small catalog, a case type and a fresh township with villages, for one test.</summary>
public sealed record Township(string Id, IReadOnlyList<string> Villages)
{
    public ITownshipGrain Totals(IGrainFactory grains) => grains.GetGrain<ITownshipGrain>(GrainKeys.Township(Id));

    public static ILedgerGrain Ledger(IGrainFactory grains, string orgUnitId) => grains.GetGrain<ILedgerGrain>(GrainKeys.Ledger(orgUnitId));
}

public static class Seed
{
    public static readonly Caller Tester = new("tester", "Tester");

    /// <summary>Computed: the sum of <see cref="Cattle"/> and <see cref="Sheep"/>.</summary>
    public const string Livestock = "tst_livestock";
    public const string Cattle = "tst_cattle";
    public const string Sheep = "tst_sheep";
    /// <summary>A leaf count in head.</summary>
    public const string Camels = "tst_camels";
    /// <summary>Money, in yuan.</summary>
    public const string Income = "tst_income";
    /// <summary>A ratio entered by the township only.</summary>
    public const string Coverage = "tst_coverage";
    public const string CaseType = "tst_patch";
    public const string Year = "2024";

    public static readonly IReadOnlyList<IndicatorDefinition> Indicators =
    [
        new(Livestock, "牲畜", "Livestock", "head", "tst_agri", IndicatorKind.Stock, EnteredAt.Village, null),
        new(Cattle, "牛", "Cattle", "head", "tst_agri", IndicatorKind.Stock, EnteredAt.Village, Livestock),
        new(Sheep, "羊", "Sheep", "head", "tst_agri", IndicatorKind.Stock, EnteredAt.Village, Livestock),
        new(Camels, "骆驼", "Camels", "head", "tst_agri", IndicatorKind.Stock, EnteredAt.Village, null),
        new(Income, "收入", "Income", "yuan", "tst_econ", IndicatorKind.Flow, EnteredAt.Village, null),
        new(Coverage, "覆盖率", "Coverage", "ratio", "tst_social", IndicatorKind.Ratio, EnteredAt.Township, null),
    ];

    /// <summary>Fresh ids: lowercase letters, digits and '-', starting with a letter.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Defines the catalog (idempotent) and registers a fresh township with <paramref name="villages"/> villages.</summary>
    public static async Task<Township> TownshipAsync(IGrainFactory grains, int villages = 2)
    {
        var catalog = grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog);
        await catalog.DefineIndicators(Indicators, "seed-indicators", Tester);
        await catalog.DefineCaseType(new CaseTypeDefinition(CaseType, "图斑", "Patch"), "seed-case-type", Tester);
        var id = NewId("tw");
        var roster = grains.GetGrain<IRosterGrain>(GrainKeys.Roster);
        await roster.RegisterTownship(new TownshipInfo(id, "镇 " + id, "", ""), Tester);
        var ids = new List<string>();
        for (var i = 1; i <= villages; i++)
        {
            var village = $"{id}-v{i}";
            await roster.RegisterVillage(new VillageInfo(village, "村 " + village, VillageKind.Gacha, id), Tester);
            ids.Add(village);
        }
        return new Township(id, ids);
    }

    public static ReportCommand Report(string requestId, params (string Indicator, string Value)[] values) =>
        new(Year, [.. values.Select(v => new ReportLineMessage(v.Indicator, v.Value))], requestId, null, Tester);

    public static string RequestId() => "req-" + Guid.NewGuid().ToString("N");

    public static OpenCaseMessage OpenCase(string orgUnitId, string? batch = "2024-1", string deadline = "2099-12-31", string? openedOn = null, string? requestId = null, string title = "违法图斑") =>
        new(new OpenCaseCommand(orgUnitId, CaseType, batch, title, null, deadline, null, CaseSource.Screening, null,
            requestId ?? RequestId(), openedOn, null, null, null, false, false, null), Tester);

    public static TransitionCaseMessage Move(string caseId, CaseStatus to, long expectedVersion, string? requestId = null, string? note = null) =>
        new(caseId, to, expectedVersion, note, requestId ?? RequestId(), null, Tester);
}

public static class TestBatches
{
    private static int _next = Random.Shared.Next(0, 5000);

    /// <summary>A batch no other test uses, so case ids of a test start at 0001.</summary>
    public static string Fresh()
    {
        var n = Interlocked.Increment(ref _next);
        return $"{3000 + n / 90 % 6000}-{n % 90 + 1}";
    }
}
