using Dongming.Grains.Abstractions;
using Dongming.Grains.Review;

namespace Dongming.Grains;

/// <summary>The data a township's review is written from (<see cref="ITownshipReview"/>), read from the kept state in one step.</summary>
public sealed partial class TownshipGrain : ITownshipReview
{
    public async Task<ReviewData> GetReviewData(int year)
    {
        EnsureRegistered();
        ReviewSources.CheckYear(year);
        var quality = await catalogs.CurrentQualityAsync();
        return ReviewSources.Read(TownshipId, _aggregate, quality, year);
    }
}
