using Dongming.Domain;
using Dongming.Exchange;
using Dongming.Grains.Abstractions;
using Orleans.Concurrency;

namespace Dongming.Grains.Exchange;

/// <inheritdoc cref="IExportGrain"/>
[StatelessWorker]
public sealed class ExportGrain(CatalogCache catalogs, GrainRefs refs) : Grain, IExportGrain
{
    private string TownshipId => this.GetPrimaryKeyString()["export/".Length..];

    public async Task<ExportedFile> ExportTotals(string period, string format, bool includeBreakdown)
    {
        var v = new Violations();
        var p = Period.Parse(v, "period", period);
        v.ThrowIfAny();
        var township = await refs.Roster.GetTownship(TownshipId) ?? throw DomainException.NotFound($"township {TownshipId} not found");
        var catalog = await catalogs.CurrentAsync();
        var answer = await refs.Township(TownshipId).GetTotals(p!.Value.ToString(), [], includeBreakdown: true);
        var villages = (await refs.Roster.VillagesOf(TownshipId) ?? []).Where(x => Counts(x, p.Value)).ToList();

        var byOrgUnit = new Dictionary<string, Dictionary<string, SheetFigure>>(StringComparer.Ordinal);
        var totals = new Dictionary<string, SheetFigure>(StringComparer.Ordinal);
        foreach (var total in answer.Totals)
        {
            totals[total.Indicator] = new SheetFigure(total.Value, total.AtLeast);
            foreach (var part in total.Breakdown ?? [])
            {
                if (!includeBreakdown && part.OrgUnitId != TownshipId) continue;
                if (!byOrgUnit.TryGetValue(part.OrgUnitId, out var figures)) byOrgUnit[part.OrgUnitId] = figures = new(StringComparer.Ordinal);
                figures[total.Indicator] = new SheetFigure(part.Value, part.Flags.HasFlag(FigureFlags.AtLeast));
            }
        }
        var sheet = new TotalsSheet
        {
            Township = township,
            Period = p.Value,
            Catalog = catalog,
            Villages = includeBreakdown ? villages : [],
            Values = byOrgUnit.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, SheetFigure>)kv.Value, StringComparer.Ordinal),
            Totals = totals,
        };
        var sheetFormat = Format(format);
        return new ExportedFile($"{TownshipId}-{p.Value}-totals.{Extension(sheetFormat)}", MediaType(sheetFormat), SheetExport.Totals(sheet, sheetFormat));
    }

    public async Task<ExportedFile> ExportCases(CaseQuery query, string? villageId, string format, DateOnly asOf)
    {
        var township = await refs.Roster.GetTownship(TownshipId);
        if (township is null && villageId is null) throw DomainException.NotFound($"township {TownshipId} not found");
        var cases = new List<RemediationCase>();
        var page = query with { Limit = CaseQuery.MaxPageSize + 1 };
        while (true)
        {
            var result = villageId is null ? await refs.Township(TownshipId).ListCases(page) : await refs.Ledger(villageId).ListCases(page);
            cases.AddRange(result.Cases);
            if (result.Cases.Count == 0 || result.NextPageToken is null) break;
            var last = result.Cases[^1];
            page = page with { AfterDeadline = last.Deadline, AfterCaseId = last.CaseId };
        }
        var catalogTypes = await refs.Catalog.GetCaseTypes();
        var villages = await refs.Roster.VillagesOf(township?.TownshipId ?? TownshipId) ?? [];
        var sheetFormat = Format(format);
        var bytes = SheetExport.Cases(new CasesSheet { Cases = cases, CaseTypes = catalogTypes, Villages = villages, Township = township, AsOf = asOf }, sheetFormat);
        return new ExportedFile($"{villageId ?? TownshipId}-cases-{CaseDates.Format(asOf)}.{Extension(sheetFormat)}", MediaType(sheetFormat), bytes);
    }

    private static bool Counts(VillageInfo village, Period period) =>
        (village.RetiredFrom is not { } retired || period.Start < Period.Parse(retired).Start)
        && (village.ActiveFrom is not { } active || period.End >= Period.Parse(active).Start);

    private static SheetFormat Format(string format) => format == "csv" ? SheetFormat.Csv : SheetFormat.Xlsx;

    private static string Extension(SheetFormat format) => format == SheetFormat.Csv ? "csv" : "xlsx";

    private static string MediaType(SheetFormat format) =>
        format == SheetFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}
