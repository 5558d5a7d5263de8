using Dongming.Domain;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains.Tests;

/// <summary>A small catalog, a case type and a fresh township with villages, for one test.</summary>
public sealed record Township(string Id, IReadOnlyList<string> Villages)
{
    public ITownshipGrain Totals(IGrainFactory grains) => grains.GetGrain<ITownshipGrain>(GrainKeys.Township(Id));

    public static ILedgerGrain Ledger(IGrainFactory grains, string orgUnitId) => grains.GetGrain<ILedgerGrain>(GrainKeys.Ledger(orgUnitId));
}

public static class Seed
{
    public static readonly Actor Tester = new("tester", "Tester");

    /// <summary>Computed: the sum of <see cref="Cattle"/> and <see cref="Sheep"/> (stocks).</summary>
    public const string Livestock = "tst_livestock";
    public const string Cattle = "tst_cattle";
    public const string Sheep = "tst_sheep";
    /// <summary>A leaf count in head.</summary>
    public const string Camels = "tst_camels";
    /// <summary>Money, in yuan.</summary>
    public const string Income = "tst_income";
    /// <summary>A ratio entered by the township only.</summary>
    public const string Coverage = "tst_coverage";
    /// <summary>Computed: the sum of <see cref="OutputCrops"/> and <see cref="OutputHerds"/> (flows, in yuan).</summary>
    public const string Output = "tst_output";
    public const string OutputCrops = "tst_output_crops";
    public const string OutputHerds = "tst_output_herds";
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
        new(Output, "产值", "Output", "yuan", "tst_econ", IndicatorKind.Flow, EnteredAt.Village, null),
        new(OutputCrops, "种植业产值", "Output of crops", "yuan", "tst_econ", IndicatorKind.Flow, EnteredAt.Village, Output),
        new(OutputHerds, "畜牧业产值", "Output of herds", "yuan", "tst_econ", IndicatorKind.Flow, EnteredAt.Village, Output),
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

    /// <summary>A report of <see cref="Year"/> (the ledger it is sent to answers for its own org unit, whatever the command names).</summary>
    public static ReportCommand Report(string requestId, params (string Indicator, string Value)[] values) => ReportOf(Year, requestId, values);

    /// <summary>A report of one period.</summary>
    public static ReportCommand ReportOf(string period, string requestId, params (string Indicator, string Value)[] values) =>
        new(string.Empty, period, [.. values.Select(v => new ReportLine(v.Indicator, v.Value))], requestId, null);

    public static string RequestId() => "req-" + Guid.NewGuid().ToString("N");

    public static OpenCaseCommand OpenCase(string orgUnitId, string? batch = "2024-1", string deadline = "2099-12-31", string? openedOn = null, string? requestId = null, string title = "违法图斑") =>
        new(orgUnitId, CaseType, batch, title, null, deadline, null, CaseSource.Screening, null,
            requestId ?? RequestId(), openedOn, null, null, null, false, false, null);

    public static TransitionCaseCommand Move(string caseId, CaseStatus to, long expectedVersion, string? requestId = null, string? note = null) =>
        new(caseId, to, expectedVersion, note, requestId ?? RequestId(), null);

    /// <summary>A change of assignee, deadline or flags (null fields stay as they are).</summary>
    /// <summary>An update; a deadline change carries a reason (the rule asks for one) unless the test gives its own note.</summary>
    public static UpdateCaseCommand Update(string caseId, long expectedVersion, string? deadline = null, string? assignee = null, string? note = null, string? requestId = null) =>
        new(caseId, expectedVersion, deadline, assignee, null, null, note ?? (deadline is null ? null : "期限调整"), requestId ?? RequestId());

    /// <summary>Every case matching the filters, in listing order (one page as large as a page may be).</summary>
    public static CaseQuery AllCases(DateOnly? overdueAsOf = null, CaseStatus? status = null, string? batch = null) =>
        CaseQuery.Validate(null, status, false, batch, CaseDates.Format(overdueAsOf), CaseQuery.MaxPageSize, null);

    public static CaseSummaryQuery Summary(string? caseType, string? batch, DateOnly asOf, bool includeBreakdown) => new(caseType, batch, asOf, includeBreakdown);
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
