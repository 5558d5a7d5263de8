using System.Collections.Immutable;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;

namespace Dongming.Grains;

/// <summary>
/// Validation runs, outlier searches, completeness and approvals of a township, answered from the contributions it
/// keeps (every org unit's figures of every period, and the totals): one call, no fan-out to the villages. Each reads
/// the kept state in one synchronous step after its awaits, so these reads interleave with updates safely.
/// </summary>
public sealed partial class TownshipGrain
{
    public async Task<ValidationRun> RunValidation(string period, ImmutableArray<string> orgUnitIds, bool includeSkipped)
    {
        EnsureRegistered();
        var quality = await catalogs.CurrentQualityAsync();
        var query = ValidationQuery.Validate(period, orgUnitIds, includeSkipped,
            id => id == TownshipId || (_aggregate.Units.TryGetValue(id, out var part) && part.Level == OrgUnitLevel.Village));
        return TownshipQuality.Validate(TownshipId, _aggregate, quality, query);
    }

    public async Task<TownshipOutliers> FindOutliers(OutlierCommand command)
    {
        EnsureRegistered();
        var catalog = await catalogs.ForCodesAsync(string.IsNullOrEmpty(command.Indicator) || !Text.IsCode(command.Indicator) ? [] : [command.Indicator]);
        return TownshipQuality.FindOutliers(TownshipId, _aggregate, OutlierQuery.Validate(catalog, command));
    }

    public async Task<CompletenessResult> GetCompleteness(string dataSet, string period)
    {
        EnsureRegistered();
        var (definition, at, roster) = await DataSetPeriodAsync(dataSet, period);
        return TownshipQuality.Completeness(_aggregate, await catalogs.ForCodesAsync(definition.Indicators), definition, at, roster);
    }

    public async Task<TownshipApproval> GetApprovalStatus(string dataSet, string period, string? orgUnitId)
    {
        EnsureRegistered();
        var (definition, at, roster) = await DataSetPeriodAsync(dataSet, period, orgUnitId);
        return TownshipQuality.Approval(TownshipId, _aggregate, definition, at, roster, orgUnitId);
    }

    public async Task<bool> IsApproved(string dataSet, string period) => (await GetApprovalStatus(dataSet, period, null)).Approved;

    /// <summary>The data set (defined for this township) and the period of a read, validated; and the roster's villages with the periods they exist in.</summary>
    private async Task<(DataSet DataSet, Period Period, IReadOnlyList<VillageInfo> Roster)> DataSetPeriodAsync(string dataSet, string period, string? orgUnitId = null)
    {
        var quality = await catalogs.CurrentQualityAsync();
        var found = Text.IsCode(dataSet) ? quality.DataSet(TownshipId, dataSet) : null;
        var at = TownshipQuality.ValidateDataSetPeriod(dataSet, period, found, TownshipId, orgUnitId, id => id == TownshipId || _aggregate.Units.ContainsKey(id));
        var roster = await GrainFactory.GetGrain<IRosterGrain>(GrainKeys.Roster).VillagesOf(TownshipId) ?? [];
        return (found!.DataSet, at, roster);
    }

    /// <summary>Publishes the township's open and overdue case counts (as of today, Beijing time) to the gauges.</summary>
    private void PublishCaseGauges()
    {
        var (open, overdue) = _aggregate.OpenAndOverdue(CaseDates.Today(clock));
        ServiceMetrics.PublishCases(TownshipId, open, overdue);
    }
}
