using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Reports;
using Orleans.Concurrency;

namespace Dongming.Grains.Review;

/// <inheritdoc cref="IReviewGrain"/>
[StatelessWorker]
public sealed class ReviewGrain(CatalogCache catalogs, GrainRefs refs) : Grain, IReviewGrain
{
    /// <summary>Cases listed per page when counting the flags (repeat, returned) only the ledgers keep.</summary>
    private const int CasePage = CaseQuery.MaxPageSize;

    public async Task<RenderedReview> RenderReview(string townshipId, int year, ReviewFormat format, string? template, CancellationToken cancellationToken = default)
    {
        ReviewSources.CheckYear(year);
        var township = await refs.Roster.GetTownship(townshipId) ?? throw DomainException.NotFound($"township {townshipId} not found");
        var villages = await refs.Roster.VillagesOf(townshipId) ?? [];
        var data = await GrainFactory.GetGrain<ITownshipReview>(GrainKeys.Township(townshipId)).GetReviewData(year);
        var catalog = await catalogs.CurrentAsync();
        var caseTypes = await refs.Catalog.GetCaseTypes();
        var cases = await WithFlagsAsync(refs.Township(townshipId), data, cancellationToken);

        var input = new ReviewInput
        {
            Township = township,
            Year = year,
            Catalog = catalog,
            Villages = villages,
            CaseTypes = caseTypes,
            Figures = data.Figures,
            Cases = cases,
            Targets = data.Targets,
        };
        return ReviewWriter.Render(input, format, template);
    }

    /// <summary>The case counts with the flags of their cases (重复, 倒流), read from the ledgers a page at a time.</summary>
    private static async Task<IReadOnlyList<ReviewCaseCount>> WithFlagsAsync(ITownshipGrain township, ReviewData data, CancellationToken cancellationToken)
    {
        if (data.CaseRows.Count == 0) return data.Cases;
        var repeat = new int[data.Cases.Count];
        var returned = new int[data.Cases.Count];
        var either = new int[data.Cases.Count];
        string? token = null;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await township.ListCases(CaseQuery.Validate(null, null, false, null, null, CasePage, token));
            foreach (var c in page.Cases)
            {
                if (!(c.Repeat || c.Returned) || !data.CaseRows.TryGetValue(c.CaseId, out var row)) continue;
                if (c.Repeat) repeat[row]++;
                if (c.Returned) returned[row]++;
                either[row]++;
            }
            token = page.NextPageToken;
        }
        while (token is not null);
        return [.. data.Cases.Select((row, i) => either[i] == 0 ? row : row with { Repeat = repeat[i], Returned = returned[i], RepeatOrReturned = either[i] })];
    }
}
