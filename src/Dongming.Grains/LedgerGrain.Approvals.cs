using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;
using Dongming.Storage;

namespace Dongming.Grains;

/// <summary>A ledger's approvals of data sets.</summary>
public sealed partial class LedgerGrain
{
    public async Task<ApprovalState> ChangeApproval(ApprovalCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var info = Info();
        var quality = await catalogs.CurrentQualityAsync();
        var dataSet = Text.IsCode(command.DataSet) ? quality.DataSet(info.TownshipId, command.DataSet!)?.DataSet : null;
        var step = ApprovalLifecycle.Validate(command with { OrgUnitId = OrgUnitId }, info.TownshipId, dataSet?.PeriodKind);
        if (await FindReplayAsync(step.RequestId, step.Fingerprint) is { } replay) return FirstAnswer(replay);

        var current = State.ApprovalOf(step.DataSet, step.Period);
        ApprovalLifecycle.Next(current?.Status ?? ApprovalStatus.Open, step.Action, $"data set {step.DataSet} of {step.Period} of {OrgUnitId}");
        await CheckApprovalAsync(info, step, dataSet!);

        var meta = Meta(actor, step.RequestId);
        var p = step.Period.ToString();
        ApprovalEvent e = step.Action switch
        {
            ApprovalAction.Submit => new DataSetSubmitted(meta, step.DataSet, p, step.Reason),
            ApprovalAction.Approve => new DataSetApproved(meta, step.DataSet, p, step.Reason, dataSet!.Indicators),
            ApprovalAction.Reject => new DataSetRejected(meta, step.DataSet, p, step.Reason),
            _ => new DataSetUnapproved(meta, step.DataSet, p, step.Reason),
        };
        var (_, again) = await WriteAsync(e, step.RequestId, step.Fingerprint, cancellationToken);
        if (again is not null) return FirstAnswer(again);
        ServiceMetrics.ApprovalSteps.Add(1, new KeyValuePair<string, object?>("step", step.Action.ToString().ToLowerInvariant()));
        return State.ApprovalOf(step.DataSet, step.Period)!;
    }

    /// <summary>
    /// What a step needs beyond the state machine. A village submits a complete report (every indicator of the data set
    /// has a value for the whole period). The township's own submission and approval need every expected village
    /// approved (its approval is the state a report is generated from). A village's approval cannot be withdrawn while
    /// the township's approval of the same period stands: unapprove the township's first.
    /// </summary>
    private async Task CheckApprovalAsync(OrgUnitInfo info, ValidatedApproval step, DataSet dataSet)
    {
        var township = GrainFactory.GetGrain<ITownshipGrain>(GrainKeys.Township(info.TownshipId));
        var period = step.Period.ToString();
        if (info.Level == OrgUnitLevel.Village)
        {
            if (step.Action == ApprovalAction.Submit)
            {
                var catalog = await catalogs.ForCodesAsync(dataSet.Indicators);
                var missing = dataSet.Indicators.Where(code => !(State.Figures.TryGetValue(FigureKey.Of(step.Period, code), out var f)
                    && catalog.TryGet(code, out var indicator) && Completeness.Holds(step.Period, f.ToContribution(), indicator.Kind))).ToList();
                if (missing.Count > 0)
                    throw DomainException.Precondition(
                        $"{OrgUnitId} cannot submit data set {dataSet.Code} of {period}: no value for the whole period of {string.Join(", ", missing.Take(10))}" +
                        $"{(missing.Count > 10 ? $" and {missing.Count - 10} more" : "")} (a report is submitted complete; enter 0 where there is nothing to count)");
            }
            if (step.Action == ApprovalAction.Unapprove)
            {
                var status = await township.GetApprovalStatus(dataSet.Code, period, info.TownshipId);
                if (status.Township.Status == ApprovalStatus.Approved)
                    throw DomainException.Precondition($"the township's approval of data set {dataSet.Code} of {period} stands on {OrgUnitId}'s: unapprove {info.TownshipId}'s first");
            }
            return;
        }
        if (step.Action is ApprovalAction.Submit or ApprovalAction.Approve)
        {
            var status = await township.GetApprovalStatus(dataSet.Code, period, null);
            if (!status.AllVillagesApproved)
            {
                var waiting = status.Villages.Where(v => v.Status != ApprovalStatus.Approved).Select(v => $"{v.OrgUnitId} ({ApprovalLifecycle.Name(v.Status)})").ToList();
                throw DomainException.Precondition(
                    $"{OrgUnitId}'s data set {dataSet.Code} of {period} needs every expected village approved first; {waiting.Count} of {status.Expected} are not: " +
                    string.Join(", ", waiting.Take(10)) + (waiting.Count > 10 ? ", …" : ""));
            }
        }
    }

    /// <summary>The answer a step got the first time: its approval as it stood right after that step.</summary>
    private ApprovalState FirstAnswer(JournalEvent replay)
    {
        var e = (ApprovalEvent)Deserialize(replay.Payload);
        var state = State.ApprovalOf(e.DataSet, Period.Parse(e.Period))!;
        return state.AsAfter(e.Meta.RequestId, e is DataSetApproved a ? a.Indicators : []);
    }
}
