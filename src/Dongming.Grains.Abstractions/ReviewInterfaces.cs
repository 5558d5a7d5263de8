using Dongming.Reports;
using Orleans.Concurrency;

namespace Dongming.Grains.Abstractions;

/// <summary>
/// Writes a township's yearly work report (工作报告, dongming.v1.ReportService). A stateless worker: it gathers the
/// review's input — the township's figures, case counts and targets from the township grain in one consistent read
/// (<see cref="ITownshipReview"/>), the roster's names and the catalog — and renders it (src/Dongming.Reports), so the
/// CPU of rendering never holds up the township's updates.
/// </summary>
[Alias("Dongming.IReviewGrain")]
public interface IReviewGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The review of <paramref name="year"/>; <paramref name="template"/> replaces the default body template. NotFound
    /// for an unknown township; a template mistake is INVALID_ARGUMENT on "template" with its position.
    /// </summary>
    [Alias("RenderReview")] Task<RenderedReview> RenderReview(string townshipId, int year, ReviewFormat format, string? template, CancellationToken cancellationToken = default);
}

/// <summary>
/// What a review is written from, as the township keeps it (the same grain as <see cref="ITownshipGrain"/>, key
/// <see cref="GrainKeys.Township"/>): read in one step, so every figure and its sources' versions belong together.
/// </summary>
[Alias("Dongming.ITownshipReview")]
public interface ITownshipReview : IGrainWithStringKey
{
    /// <summary>The figures, case counts and next year's targets of a year (the year is validated here).</summary>
    [Alias("GetReviewData"), AlwaysInterleave] Task<ReviewData> GetReviewData(int year);
}

/// <summary>
/// A township's review data of one year: the totals of the year with their sources at the journal versions they were
/// read at (sources by contribution, largest first, then by id), approval and validation marks; the case counts as of
/// the year's last day; the township's own targets of the next year; and, for each case counted, the index of its row
/// in <see cref="Cases"/> (so the case flags, kept by the ledgers only, can be counted into the right row).
/// </summary>
[GenerateSerializer, Immutable, Alias("Dongming.ReviewData")]
public sealed record ReviewData(
    [property: Id(0)] IReadOnlyList<ReviewFigure> Figures,
    [property: Id(1)] IReadOnlyList<ReviewCaseCount> Cases,
    [property: Id(2)] IReadOnlyList<ReviewTarget> Targets,
    [property: Id(3)] IReadOnlyDictionary<string, int> CaseRows,
    [property: Id(4)] long Version);
