using Dongming.Domain;

namespace Dongming.Reports;

/// <summary>
/// Everything the yearly work report (工作回顾 of <see cref="Year"/>, 工作安排 of the year after) is written
/// from. The server fills it from what it keeps: the catalog, the roster, the township's totals of the year
/// with the journal versions they were read at, the case counts and the targets.
/// </summary>
public sealed record ReviewInput
{
    public required TownshipInfo Township { get; init; }

    /// <summary>The year under review.</summary>
    public required int Year { get; init; }

    public required IndicatorCatalog Catalog { get; init; }

    /// <summary>The township's villages: sentences and the appendix name org units by these names.</summary>
    public IReadOnlyList<VillageInfo> Villages { get; init; } = [];

    /// <summary>The case types of the catalog (a template naming any other is a template error).</summary>
    public IReadOnlyList<CaseTypeDefinition> CaseTypes { get; init; } = [];

    /// <summary>The township totals of the year, one per indicator.</summary>
    public IReadOnlyList<ReviewFigure> Figures { get; init; } = [];

    /// <summary>The case counts by case type, batch and status (the township's case summary).</summary>
    public IReadOnlyList<ReviewCaseCount> Cases { get; init; } = [];

    /// <summary>The targets of the next year (or any year; the plan lists those of <see cref="Year"/> + 1).</summary>
    public IReadOnlyList<ReviewTarget> Targets { get; init; } = [];
}

/// <summary>An org unit a figure came from, and the journal version of its ledger it was read at.</summary>
public sealed record FigureSource(string OrgUnitId, long Version);

/// <summary>A validation rule a figure fails (data-quality check): its code and a short message.</summary>
public sealed record RuleFailure(string Rule, string Message);

/// <summary>A township total of one indicator over the year under review.</summary>
public sealed record ReviewFigure
{
    public required string Indicator { get; init; }

    /// <summary>The exact total, in the indicator's base unit.</summary>
    public required decimal Value { get; init; }

    /// <summary>The indicator's unit (checked against the catalog, so a figure cannot be read in the wrong unit).</summary>
    public required string Unit { get; init; }

    /// <summary>
    /// The real figure is at least <see cref="Value"/> ("30余次", "2.74亿元以上" in a ledger): true when any
    /// part of the total is such a lower bound.
    /// </summary>
    public bool LowerBound { get; init; }

    /// <summary>Villages with an entry (the township's own entry is not a village).</summary>
    public int VillagesReporting { get; init; }

    /// <summary>
    /// The org units the total came from, with the journal version each was read at, in the order a sentence
    /// names them ("在大台、小台、台吉等18个嘎查村": the first ones are named). The server orders them by
    /// contribution, largest first, then by roster order.
    /// </summary>
    public IReadOnlyList<FigureSource> Sources { get; init; } = [];

    /// <summary>The highest value held for this indicator over all years held (再创新高).</summary>
    public bool RecordHigh { get; init; }

    /// <summary>The total of the year before, if held.</summary>
    public decimal? PreviousValue { get; init; }

    /// <summary>The period is approved (checked and locked); an unapproved figure is marked in the text.</summary>
    public bool Approved { get; init; }

    /// <summary>Validation rules the figure fails; each is marked in the text and explained in the notes.</summary>
    public IReadOnlyList<RuleFailure> Failures { get; init; } = [];
}

/// <summary>
/// Cases of one (case type, batch, status) — a row of the township's case summary
/// (<see cref="CaseSummaryRow"/>, src/Dongming.Domain/TownshipAggregate.cs) with the flags and sources the
/// report needs.
/// </summary>
public sealed record ReviewCaseCount
{
    public required string CaseType { get; init; }

    /// <summary>The batch (期), "2023-3" for 2023年三期; null when cases come in no batches.</summary>
    public string? Batch { get; init; }

    public required CaseStatus Status { get; init; }

    public required int Count { get; init; }

    /// <summary>Of these, rectified or closed on or before their deadline (按期).</summary>
    public int OnTime { get; init; }

    /// <summary>Of these, open and past their deadline.</summary>
    public int Overdue { get; init; }

    /// <summary>Of these, flagged repeat (重复).</summary>
    public int Repeat { get; init; }

    /// <summary>Of these, flagged returned (倒流).</summary>
    public int Returned { get; init; }

    /// <summary>Of these, flagged repeat or returned or both (重复、倒流案件: a case with both counts once).</summary>
    public int RepeatOrReturned { get; init; }

    /// <summary>The org units holding these cases, with the journal versions they were read at.</summary>
    public IReadOnlyList<FigureSource> Sources { get; init; } = [];

    /// <summary>A row of the township's case summary, with the flags and sources the summary does not hold.</summary>
    public static ReviewCaseCount From(CaseSummaryRow row, IReadOnlyList<FigureSource> sources, int repeat = 0, int returned = 0, int repeatOrReturned = 0) => new()
    {
        CaseType = row.CaseType,
        Batch = row.Batch,
        Status = row.Status,
        Count = row.Count,
        OnTime = row.ClosedOnTime,
        Overdue = row.Overdue,
        Repeat = repeat,
        Returned = returned,
        RepeatOrReturned = repeatOrReturned,
        Sources = sources,
    };
}

/// <summary>How a target is met.</summary>
public enum TargetDirection
{
    /// <summary>不少于: met when the actual is at least the target.</summary>
    AtLeast,
    /// <summary>不超过: met when the actual is at most the target (0 重大安全事故).</summary>
    AtMost,
    /// <summary>Met when the actual equals the target.</summary>
    Exactly,
}

/// <summary>A target (目标) of a period, as set for the plan.</summary>
public sealed record ReviewTarget
{
    public required string Indicator { get; init; }

    /// <summary>"2024", "2024Q2", …</summary>
    public required string Period { get; init; }

    /// <summary>The target value, in the indicator's base unit.</summary>
    public required decimal Value { get; init; }

    public required TargetDirection Direction { get; init; }

    public string? Note { get; init; }

    /// <summary>Where the target was set, and the journal version it was read at.</summary>
    public IReadOnlyList<FigureSource> Sources { get; init; } = [];
}
