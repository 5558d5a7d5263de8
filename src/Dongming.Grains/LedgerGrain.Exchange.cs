using Dongming.Domain;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains;

// Imports (src/Dongming.Grains/Exchange): a file's reports are checked by the ledgers that would take them, with the
// checks ReportValues makes, before any of them is written.
public sealed partial class LedgerGrain
{
    public async Task<IReadOnlyList<ReportCheck>> CheckReports(IReadOnlyList<ReportCommand> commands)
    {
        var info = Info();
        var catalog = await catalogs.ForCodesAsync(commands.SelectMany(c => c.Lines.Select(l => l.Indicator)));
        var quality = info.Level == OrgUnitLevel.Village ? await catalogs.QualityAsync() : null;
        _catalog = await catalogs.GetAsync();
        var checks = new List<ReportCheck>(commands.Count);
        foreach (var command in commands)
        {
            try
            {
                var report = Reporting.Validate(catalog, info.Level, command with { OrgUnitId = OrgUnitId });
                State.CheckCounts(OrgUnitId, report.Period);
                State.CheckUnlocked(OrgUnitId, report.Period, [.. report.Figures.Select(f => f.Indicator)]);
                var held = new List<ReportedFigure>();
                foreach (var f in report.Figures)
                {
                    if (State.Entered.TryGetValue(FigureKey.Of(report.Period, f.Indicator), out var entered)) held.Add(new ReportedFigure(f.Indicator, entered.Value, entered.AtLeast));
                }
                // The warnings ReportValues would answer with: the rules its figures break once applied (each report
                // checked against the ledger as it is, like its other checks).
                IReadOnlyList<ValidationWarning> warnings = [];
                if (quality is not null)
                {
                    var reported = new ValuesReported(EventMeta.Of(Actor.System, clock.GetUtcNow(), report.RequestId), report.Period.ToString(), report.Figures, null);
                    warnings = WarningsAfter(quality, reported, report.Period, State.Prepare(reported, Version + 1, _catalog));
                }
                checks.Add(new ReportCheck(held, null, [], warnings));
            }
            catch (DomainException e)
            {
                checks.Add(new ReportCheck([], e.Message, e.Violations));
            }
        }
        return checks;
    }
}
