using Dongming.Domain;

namespace Dongming.Reports;

/// <summary>The form of the document (dongming.v1.ReviewFormat).</summary>
public enum ReviewFormat
{
    Markdown,
    /// <summary>A Word document (Office Open XML).</summary>
    Docx,
}

/// <summary>What a shown figure measures.</summary>
public enum FigureMeasure
{
    /// <summary>An indicator's township total of the year.</summary>
    Total,
    /// <summary>How many villages report the indicator ("18个嘎查村").</summary>
    VillagesReporting,
    /// <summary>An indicator's total of the year before.</summary>
    PreviousYear,
    /// <summary>A target of the plan.</summary>
    Target,
    /// <summary>A number of cases (of a case type, some batches and statuses).</summary>
    CaseCount,
    /// <summary>A rate of cases (办结率: closed over received).</summary>
    CaseRate,
}

/// <summary>What a case figure counts among the cases of its type, batches and statuses.</summary>
public enum CaseCountOf
{
    /// <summary>The cases themselves.</summary>
    Cases,
    /// <summary>Those rectified or closed on or before their deadline (按期).</summary>
    OnTime,
    /// <summary>Those open past their deadline (逾期).</summary>
    Overdue,
    /// <summary>Those flagged repeat (重复).</summary>
    Repeat,
    /// <summary>Those flagged returned (倒流).</summary>
    Returned,
    /// <summary>Those flagged repeat or returned (重复、倒流).</summary>
    RepeatOrReturned,
}

/// <summary>
/// A number that appears in the text, and where it came from: a reader goes back from it to the indicator
/// (or case type, batches and statuses), the org units and the journal versions it was read at.
/// </summary>
public sealed record ShownFigure
{
    /// <summary>1, 2, … in order of first appearance; the appendix lists figures by this number.</summary>
    public required int Number { get; init; }

    /// <summary>The figure as the text shows it, qualifier and counter included: "突破11万亩", "1.5218亿元".</summary>
    public required string Text { get; init; }

    /// <summary>The exact value, in the base unit (a case rate: closed over received, to 6 decimals).</summary>
    public required decimal Value { get; init; }

    /// <summary>The value as shown, in the base unit (never above <see cref="Value"/>).</summary>
    public required decimal ShownValue { get; init; }

    public required string Unit { get; init; }

    /// <summary>The period it is of: "2023" (a previous year's value "2022", a target "2024").</summary>
    public required string Period { get; init; }

    public required FigureMeasure Measure { get; init; }

    /// <summary>The indicator, for figures of indicators.</summary>
    public string? Indicator { get; init; }

    /// <summary>The case type, for case figures.</summary>
    public string? CaseType { get; init; }

    /// <summary>The batches counted (case figures; empty when cases have no batch).</summary>
    public IReadOnlyList<string> Batches { get; init; } = [];

    /// <summary>The statuses counted (case figures).</summary>
    public IReadOnlyList<CaseStatus> Statuses { get; init; } = [];

    /// <summary>What a case count counts (case figures; null otherwise).</summary>
    public CaseCountOf? CountOf { get; init; }

    /// <summary>The org units it came from and the journal versions they were read at.</summary>
    public IReadOnlyList<FigureSource> Sources { get; init; } = [];

    /// <summary>The rounding applied: "exact", "rounded down to 0.01万", "lower bound; rounded down to 1万", "stated in words".</summary>
    public required string Rounding { get; init; }

    /// <summary>The rounding as the appendix states it (精确, 向下舍至1万, 下限值).</summary>
    public required string RoundingZh { get; init; }

    /// <summary>The real figure is only known to be at least <see cref="Value"/>.</summary>
    public bool LowerBound { get; init; }

    /// <summary>The shown figure is below the real one.</summary>
    public bool RoundedDown { get; init; }

    /// <summary>The figure's period is approved (case counts and targets: true).</summary>
    public bool Approved { get; init; } = true;

    /// <summary>Validation rules the figure fails.</summary>
    public IReadOnlyList<RuleFailure> Failures { get; init; } = [];

    /// <summary>The notes (【注n】) the text marks this figure with; empty when it needs none.</summary>
    public IReadOnlyList<int> Notes { get; init; } = [];

    /// <summary>Marked in the text: unapproved or failing a rule.</summary>
    public bool Marked => Notes.Count > 0;
}

/// <summary>Why a figure is marked.</summary>
public enum NoteReason
{
    /// <summary>The figure's period is not approved.</summary>
    NotApproved,
    /// <summary>The figure fails a validation rule.</summary>
    FailedRule,
}

/// <summary>A note (【注n】) the text refers to, and the figures that carry its marker.</summary>
public sealed record ReviewNote(int Number, NoteReason Reason, string? Rule, string Text, IReadOnlyList<int> Figures);

/// <summary>The written review: the document's bytes, the Markdown it holds, and every figure of its text.</summary>
public sealed record RenderedReview(
    byte[] Content,
    string MediaType,
    string Markdown,
    IReadOnlyList<ShownFigure> Figures,
    IReadOnlyList<ReviewNote> Notes)
{
    public const string MarkdownMediaType = "text/markdown; charset=utf-8";
    public const string DocxMediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
}
