using Dongming.Domain;

namespace Dongming.Grains;

// Messages between the host and the grains. Immutable records: Orleans passes them without copying.

/// <summary>Who makes a change (the authenticated caller).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.Caller")]
public sealed record Caller([property: Id(0)] string Subject, [property: Id(1)] string Name)
{
    public Actor ToActor() => new(Subject, Name);

    public static Caller From(Actor actor) => new(actor.Subject, actor.DisplayName);
}

/// <summary>An org unit (village or a township's own ledger) as registered.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.OrgUnitView")]
public sealed record OrgUnitView(
    [property: Id(0)] string OrgUnitId,
    [property: Id(1)] OrgUnitLevel Level,
    [property: Id(2)] string TownshipId,
    [property: Id(3)] string Name,
    [property: Id(4)] VillageKind Kind);

/// <summary>A report as the caller sent it (validated in the ledger grain against the catalog).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ReportCommand")]
public sealed record ReportCommand(
    [property: Id(0)] string Period,
    [property: Id(1)] IReadOnlyList<ReportLineMessage> Values,
    [property: Id(2)] string RequestId,
    [property: Id(3)] string? Comment,
    [property: Id(4)] Caller Caller);

/// <summary>One line of a report.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ReportLine")]
public sealed record ReportLineMessage([property: Id(0)] string Indicator, [property: Id(1)] string Value);

/// <summary>The answer to a report.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ReportResult")]
public sealed record ReportResult([property: Id(0)] string OrgUnitId, [property: Id(1)] long Version, [property: Id(2)] bool Replayed);

/// <summary>A figure as it stands.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.FigureView")]
public sealed record FigureView(
    [property: Id(0)] string Indicator,
    [property: Id(1)] decimal Value,
    [property: Id(2)] string Actor,
    [property: Id(3)] string ActorName,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] bool Computed);

/// <summary>An org unit's figures of one period.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ValuesView")]
public sealed record ValuesView([property: Id(0)] string OrgUnitId, [property: Id(1)] string Period, [property: Id(2)] IReadOnlyList<FigureView> Figures, [property: Id(3)] long Version);

/// <summary>One revision of a figure.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.RevisionView")]
public sealed record RevisionView(
    [property: Id(0)] decimal Value,
    [property: Id(1)] decimal? Previous,
    [property: Id(2)] string Actor,
    [property: Id(3)] string ActorName,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string RequestId,
    [property: Id(6)] string? Comment,
    [property: Id(7)] long Version);

/// <summary>A case, as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseView")]
public sealed record CaseView([property: Id(0)] CaseData Case);

/// <summary>A case's fields (a serializable copy of <see cref="RemediationCase"/>).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseData")]
public sealed record CaseData(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string OrgUnitId,
    [property: Id(2)] string TownshipId,
    [property: Id(3)] string CaseType,
    [property: Id(4)] string? Batch,
    [property: Id(5)] string Title,
    [property: Id(6)] string? Description,
    [property: Id(7)] decimal? Longitude,
    [property: Id(8)] decimal? Latitude,
    [property: Id(9)] decimal? AreaMu,
    [property: Id(10)] string? Category,
    [property: Id(11)] CaseSource Source,
    [property: Id(12)] DateOnly OpenedOn,
    [property: Id(13)] DateOnly Deadline,
    [property: Id(14)] string? Assignee,
    [property: Id(15)] bool Repeat,
    [property: Id(16)] bool Returned,
    [property: Id(17)] CaseStatus Status,
    [property: Id(18)] long Version,
    [property: Id(19)] DateOnly? RectifiedOn,
    [property: Id(20)] DateOnly? ClosedOn,
    [property: Id(21)] string OpenedBy,
    [property: Id(22)] DateTimeOffset UpdatedAt,
    [property: Id(23)] bool OnTime)
{
    public bool IsOverdue(DateOnly asOf) => CaseLifecycle.IsOpen(Status) && Deadline < asOf;

    public static CaseData From(RemediationCase c) => new(
        c.CaseId, c.OrgUnitId, c.TownshipId, c.CaseType, c.Batch, c.Title, c.Description, c.Location?.Longitude, c.Location?.Latitude,
        c.AreaMu, c.Category, c.Source, c.OpenedOn, c.Deadline, c.Assignee, c.Repeat, c.Returned, c.Status, c.Version, c.RectifiedOn,
        c.ClosedOn, c.OpenedBy, c.UpdatedAt, c.OnTime);
}

/// <summary>OpenCase as the caller sent it.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.OpenCaseMessage")]
public sealed record OpenCaseMessage([property: Id(0)] OpenCaseCommand Command, [property: Id(1)] Caller Caller);

/// <summary>TransitionCase.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.TransitionCaseMessage")]
public sealed record TransitionCaseMessage(
    [property: Id(0)] string CaseId,
    [property: Id(1)] CaseStatus To,
    [property: Id(2)] long ExpectedVersion,
    [property: Id(3)] string? Note,
    [property: Id(4)] string RequestId,
    [property: Id(5)] string? EffectiveOn,
    [property: Id(6)] Caller Caller);

/// <summary>UpdateCase: null fields stay.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.UpdateCaseMessage")]
public sealed record UpdateCaseMessage(
    [property: Id(0)] string CaseId,
    [property: Id(1)] long ExpectedVersion,
    [property: Id(2)] string? Deadline,
    [property: Id(3)] string? Assignee,
    [property: Id(4)] bool? Repeat,
    [property: Id(5)] bool? Returned,
    [property: Id(6)] string? Note,
    [property: Id(7)] string RequestId,
    [property: Id(8)] Caller Caller);

/// <summary>Filters of a case listing.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseFilter")]
public sealed record CaseFilter(
    [property: Id(0)] string? CaseType,
    [property: Id(1)] CaseStatus? Status,
    [property: Id(2)] string? Batch,
    [property: Id(3)] DateOnly? OverdueAsOf,
    [property: Id(4)] DateOnly? AfterDeadline,
    [property: Id(5)] string? AfterCaseId,
    [property: Id(6)] int Limit);

/// <summary>One entry of a case's history.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseHistoryView")]
public sealed record CaseHistoryView(
    [property: Id(0)] string Event,
    [property: Id(1)] CaseStatus Status,
    [property: Id(2)] CaseStatus? From,
    [property: Id(3)] string Actor,
    [property: Id(4)] string ActorName,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string? Note,
    [property: Id(7)] string RequestId,
    [property: Id(8)] IReadOnlyList<string> Changes,
    [property: Id(9)] DateOnly EffectiveOn,
    [property: Id(10)] long Version);

/// <summary>A case as the township's summary sees it.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseTallyMessage")]
public sealed record CaseTallyMessage(
    [property: Id(0)] string CaseType,
    [property: Id(1)] string? Batch,
    [property: Id(2)] CaseStatus Status,
    [property: Id(3)] DateOnly Deadline,
    [property: Id(4)] bool OnTime)
{
    public CaseTally ToDomain() => new(CaseType, Batch, Status, Deadline, OnTime);

    public static CaseTallyMessage From(CaseTally t) => new(t.CaseType, t.Batch, t.Status, t.Deadline, t.OnTime);
}

/// <summary>What changed in an org unit's contribution between two versions of its ledger (null = removed).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ContributionChange")]
public sealed record ContributionChange(
    [property: Id(0)] string OrgUnitId,
    [property: Id(1)] OrgUnitLevel Level,
    [property: Id(2)] long BaseVersion,
    [property: Id(3)] long NewVersion,
    [property: Id(4)] IReadOnlyDictionary<string, decimal?> Figures,
    [property: Id(5)] IReadOnlyDictionary<string, CaseTallyMessage?> Cases,
    [property: Id(6)] DateTimeOffset At);

/// <summary>An org unit's whole contribution at one version of its ledger.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.FullContribution")]
public sealed record FullContribution(
    [property: Id(0)] string OrgUnitId,
    [property: Id(1)] OrgUnitLevel Level,
    [property: Id(2)] long Version,
    [property: Id(3)] IReadOnlyDictionary<string, decimal> Figures,
    [property: Id(4)] IReadOnlyDictionary<string, CaseTallyMessage> Cases,
    [property: Id(5)] DateTimeOffset At);

/// <summary>A township total.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.TotalView")]
public sealed record TotalView(
    [property: Id(0)] string Indicator,
    [property: Id(1)] decimal Value,
    [property: Id(2)] int VillagesReporting,
    [property: Id(3)] IReadOnlyList<ContributionView>? Breakdown);

/// <summary>One org unit's part of a total.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ContributionView")]
public sealed record ContributionView([property: Id(0)] string OrgUnitId, [property: Id(1)] decimal Value);

/// <summary>A township's totals for one period.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.TotalsView")]
public sealed record TotalsView(
    [property: Id(0)] string TownshipId,
    [property: Id(1)] string Period,
    [property: Id(2)] IReadOnlyList<TotalView> Totals,
    [property: Id(3)] DateTimeOffset AsOf,
    [property: Id(4)] long Version);

/// <summary>A township's case summary.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseSummaryView")]
public sealed record CaseSummaryView(
    [property: Id(0)] IReadOnlyList<CaseSummaryRowMessage> Rows,
    [property: Id(1)] int Total,
    [property: Id(2)] int Open,
    [property: Id(3)] int Overdue,
    [property: Id(4)] int Closed,
    [property: Id(5)] int Transferred,
    [property: Id(6)] int ClosedOnTime,
    [property: Id(7)] decimal? ClosureRate,
    [property: Id(8)] decimal? OnTimeRate,
    [property: Id(9)] IReadOnlyList<CaseSummaryUnitMessage> Breakdown,
    [property: Id(10)] DateOnly AsOf);

/// <summary>A row of a case summary.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseSummaryRowMessage")]
public sealed record CaseSummaryRowMessage(
    [property: Id(0)] string CaseType, [property: Id(1)] string? Batch, [property: Id(2)] CaseStatus Status,
    [property: Id(3)] int Count, [property: Id(4)] int Overdue, [property: Id(5)] int ClosedOnTime);

/// <summary>One org unit's case counts.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseSummaryUnitMessage")]
public sealed record CaseSummaryUnitMessage(
    [property: Id(0)] string OrgUnitId, [property: Id(1)] int Total, [property: Id(2)] int Open,
    [property: Id(3)] int Overdue, [property: Id(4)] int Closed, [property: Id(5)] int ClosedOnTime);

/// <summary>Where a case lives.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.CaseLocation")]
public sealed record CaseLocation([property: Id(0)] string CaseId, [property: Id(1)] string OrgUnitId);
