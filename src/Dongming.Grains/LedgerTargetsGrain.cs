using Dongming.Domain;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains;

/// <summary>Targets of the org unit: events of its ledger like its reports (<see cref="ILedgerTargets"/>).</summary>
public sealed partial class LedgerGrain : ILedgerTargets
{
    public async Task<TargetReceipt> SetTarget(SetTargetCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var info = Info();
        var catalog = await catalogs.ForCodesAsync(Text.IsCode(command.Indicator) ? [command.Indicator!] : []);
        var target = Planning.Validate(catalog, info.Level, command with { OrgUnitId = OrgUnitId });
        try
        {
            State.CheckCounts(OrgUnitId, target.Period);
        }
        catch (DomainException ex) when (ex.Kind == ErrorKind.FailedPrecondition)
        {
            if (await FindReplayAsync(target.RequestId, target.Fingerprint) is { } first) return Replayed(first.Payload, first.Version, catalog);
            throw;
        }
        var e = new TargetSet(Meta(actor, target.RequestId), target.Period.ToString(), target.Indicator.Code, target.Value, target.Direction, target.Note);
        var (version, replay) = await WriteAsync(e, target.RequestId, target.Fingerprint, cancellationToken);
        if (replay is not null) return Replayed(replay.Payload, replay.Version, catalog);
        return new TargetReceipt(OrgUnitId, LedgerState.TargetOf(e, version, catalog), false);
    }

    /// <summary>The first answer of a request id: the target as that event set it.</summary>
    private TargetReceipt Replayed(byte[] payload, long version, IndicatorCatalog catalog) =>
        Deserialize(payload) is TargetSet first
            ? new TargetReceipt(OrgUnitId, LedgerState.TargetOf(first, version, catalog), true)
            : throw DomainException.Precondition("request_id was already used for a different request");

    public async Task<IReadOnlyList<TargetRevision>> GetTargetHistory(string period, string indicator, CancellationToken cancellationToken = default)
    {
        _ = Info();
        var catalog = await catalogs.ForCodesAsync([indicator]);
        var p = TotalsQuery.ValidateFigure(catalog, period, indicator);
        var versions = State.TargetEvents.TryGetValue(FigureKey.Of(p, indicator), out var list) ? [.. list] : Array.Empty<long>();
        return TargetHistory.Project(p, indicator, await ReadEventsAsync(versions, cancellationToken));
    }
}
