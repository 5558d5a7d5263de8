using Dongming.Domain;
using Dongming.Exchange;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains.Exchange;

/// <summary>
/// What a roster or catalog import registers and defines (in this order: the township, its villages, the indicators in
/// one batch — parents before parts —, the case types), what it finds already there, and its lines for the answer.
/// </summary>
public sealed record SetupPlan(
    TownshipInfo? Township, IReadOnlyList<VillageInfo> Villages, IReadOnlyList<IndicatorDefinition> Indicators, IReadOnlyList<CaseTypeDefinition> CaseTypes,
    IReadOnlyList<string> Lines, int Created, int Unchanged)
{
    public int PartsTotal => (Township is null ? 0 : 1) + Villages.Count + (Indicators.Count > 0 ? 1 : 0) + CaseTypes.Count;
}

// ImportRoster and ImportCatalog: the same rules as ImportValues (every row checked first, all or nothing, a dry run,
// the plan recorded before it is applied, the same file again completes or answers the first answer).
public sealed partial class ImportGrain
{
    public Task<SheetImportAnswer> ImportRoster(SheetImportCommand command, Actor actor) => ImportSetupAsync("roster", ImportIds.Roster, command, actor, CheckRosterAsync);

    public Task<SheetImportAnswer> ImportCatalog(SheetImportCommand command, Actor actor) => ImportSetupAsync("catalog", ImportIds.Catalog, command, actor, CheckCatalogAsync);

    private async Task<SheetImportAnswer> ImportSetupAsync(string kind, Func<string, string> idOf, SheetImportCommand command, Actor actor,
        Func<SheetImportCommand, Task<(int Rows, List<ImportProblem> Problems, SetupPlan Plan)>> check)
    {
        CheckShape(command.FileName, command.RequestId);
        var sha = ImportIds.Sha256(command.Content);
        if (sha != command.ContentSha256 || idOf(sha) != ImportId) throw DomainException.Precondition($"the file does not belong to import {ImportId}");

        if (!command.DryRun && State.Plan is { Setup: { } recorded } planned)
        {
            if (State.Completion is null) await ApplySetupAsync(planned, recorded, actor);
            return SetupAnswer(planned.RowsRead, recorded, [], applied: true);
        }
        var (rows, problems, plan) = await check(command);
        if (problems.Count > 0 || command.DryRun) return SetupAnswer(rows, plan, Sorted(problems), applied: false);
        var event_ = new ImportPlanned(EventMeta.Of(actor, clock.GetUtcNow(), ImportId), kind, command.TownshipId, command.FileName, sha, rows, plan.Unchanged, [], plan);
        await PersistAsync(event_, "plan", Reporting.Fingerprint(sha, kind), CancellationToken.None);
        await ApplySetupAsync(event_, plan, actor);
        return SetupAnswer(rows, plan, [], applied: true);
    }

    private static void CheckShape(string fileName, string? requestId)
    {
        var v = new Violations();
        Text.CheckText(v, "file_name", fileName, 255);
        if (!string.IsNullOrEmpty(requestId)) Text.CheckRequestId(v, "request_id", requestId);
        v.ThrowIfAny();
    }

    private static List<ImportProblem> Sorted(IEnumerable<ImportProblem> problems) =>
        [.. problems.Distinct().OrderBy(p => p.Row).ThenBy(p => p.Column.Length).ThenBy(p => p.Column, StringComparer.Ordinal)];

    private SheetImportAnswer SetupAnswer(int rows, SetupPlan plan, List<ImportProblem> problems, bool applied) => problems.Count > 0
        ? new SheetImportAnswer(ImportId, rows, 0, 0, 0, problems, [], false)
        : new SheetImportAnswer(ImportId, rows, plan.Created, 0, plan.Unchanged, [], plan.Lines, applied);

    private static IEnumerable<ImportProblem> FileProblems(ISheetRead read)
    {
        foreach (var e in read.Errors) yield return new ImportProblem(e.Row, e.Column, e.Field, e.Sheet is null ? e.Message : $"{e.Sheet}: {e.Message}");
        if (read.ErrorCount > read.Errors.Count) yield return new ImportProblem(0, string.Empty, "file", $"{read.ErrorCount - read.Errors.Count} more errors not listed; fix these and import again");
    }

    /// <summary>The roster's rows against the roster: what the roster grain would refuse (another definition, an id taken) is an error of its row.</summary>
    private async Task<(int, List<ImportProblem>, SetupPlan)> CheckRosterAsync(SheetImportCommand command)
    {
        var read = SheetImport.Roster(new SheetFile(command.Content, command.FileName, Format(command.Format)));
        var problems = FileProblems(read).ToList();
        var lines = new List<string>();
        var (created, unchanged) = (0, 0);
        TownshipInfo? township = null;
        var townshipId = read.Township?.Value.TownshipId;
        if (read.Township is { } t)
        {
            var existing = await refs.Roster.GetTownship(t.Value.TownshipId);
            if (existing is not null && existing != t.Value) problems.Add(new ImportProblem(t.Row, string.Empty, "township", $"township {t.Value.TownshipId} exists with a different definition"));
            else if (existing is null && await InfoOf(t.Value.TownshipId) is { Level: OrgUnitLevel.Village }) problems.Add(new ImportProblem(t.Row, string.Empty, "township", $"{t.Value.TownshipId} is already a village id"));
            else if (existing is null) { created++; lines.Add($"township {t.Value.TownshipId} {t.Value.Name} registered"); }
            else unchanged++;
            township = t.Value;
        }
        var registered = townshipId is null ? [] : (await refs.Roster.VillagesOf(townshipId) ?? []).ToDictionary(x => x.VillageId, StringComparer.Ordinal);
        var fresh = new List<FromRow<VillageInfo>>();
        foreach (var row in read.Villages)
        {
            if (registered.TryGetValue(row.Value.VillageId, out var existing))
            {
                if (existing.AsRegistered() == row.Value.AsRegistered()) unchanged++;
                else problems.Add(new ImportProblem(row.Row, string.Empty, "village", $"village {row.Value.VillageId} is registered with a different name, kind, township or active_from"));
            }
            else
            {
                fresh.Add(row);
            }
        }
        // A new village's id must be no one's yet (a township's, or a village of another township).
        var infos = await Task.WhenAll(fresh.Select(async row => (row, info: await InfoOf(row.Value.VillageId))));
        var villages = new List<VillageInfo>();
        foreach (var (row, info) in infos)
        {
            if (info is not null) { problems.Add(new ImportProblem(row.Row, string.Empty, "village", $"{row.Value.VillageId} is already the id of {(info.Level == OrgUnitLevel.Township ? "a township" : "a village of " + info.TownshipId)}")); continue; }
            villages.Add(row.Value);
            created++;
            lines.Add($"village {row.Value.VillageId} {row.Value.Name} registered in {row.Value.TownshipId}");
        }
        if (registered.Count + villages.Count + 1 >= ValueRange.MaxOrgUnitsPerTownship)
            problems.Add(new ImportProblem(0, string.Empty, "file", $"a township holds at most {ValueRange.MaxOrgUnitsPerTownship} org units"));
        return (read.RowsRead, problems, new SetupPlan(township, villages, [], [], lines, created, unchanged));
    }

    private async Task<OrgUnitInfo?> InfoOf(string orgUnitId)
    {
        try
        {
            return await refs.Ledger(orgUnitId).GetInfo();
        }
        catch (DomainException e) when (e.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>The catalog's rows against the catalog, with the function the catalog grain defines them with.</summary>
    private async Task<(int, List<ImportProblem>, SetupPlan)> CheckCatalogAsync(SheetImportCommand command)
    {
        var catalog = await catalogs.CurrentAsync();
        var caseTypes = await refs.Catalog.GetCaseTypes();
        var read = SheetImport.Catalog(new SheetFile(command.Content, command.FileName, Format(command.Format)), new CatalogContext(catalog, caseTypes));
        var problems = FileProblems(read).ToList();
        var lines = new List<string>();
        var (created, unchanged) = (0, 0);
        var indicators = new List<IndicatorDefinition>();
        var newCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in read.Indicators)
        {
            try
            {
                var next = catalog.With(row.Value, seeding: row.Value.PartOf is { } p && newCodes.Contains(p));
                if (ReferenceEquals(next, catalog)) { unchanged++; continue; }
                catalog = next;
                newCodes.Add(row.Value.Code);
                indicators.Add(row.Value);
                created++;
                lines.Add($"indicator {row.Value.Code} {row.Value.NameZh} defined");
            }
            catch (DomainException e)
            {
                problems.Add(new ImportProblem(row.Row, string.Empty, "indicator", $"{row.Value.Code}: {e.Message}"));
            }
        }
        var types = new List<CaseTypeDefinition>();
        var known = caseTypes.ToDictionary(x => x.Code, StringComparer.Ordinal);
        foreach (var row in read.CaseTypes)
        {
            try
            {
                CaseTypeDefinition.Check(row.Value);
                if (known.TryGetValue(row.Value.Code, out var existing))
                {
                    if (existing == row.Value) unchanged++;
                    else problems.Add(new ImportProblem(row.Row, string.Empty, "case_type", $"case type {row.Value.Code} exists with a different definition"));
                    continue;
                }
                known[row.Value.Code] = row.Value;
                types.Add(row.Value);
                created++;
                lines.Add($"case type {row.Value.Code} {row.Value.NameZh} defined");
            }
            catch (DomainException e)
            {
                problems.Add(new ImportProblem(row.Row, string.Empty, "case_type", $"{row.Value.Code}: {e.Message}"));
            }
        }
        return (read.RowsRead, problems, new SetupPlan(null, [], indicators, types, lines, created, unchanged));
    }

    /// <summary>Applies a recorded setup plan: registrations and definitions are idempotent, so a part applied before changes nothing again.</summary>
    private async Task ApplySetupAsync(ImportPlanned planned, SetupPlan plan, Actor actor)
    {
        _partsApplied = 0;
        var prefix = ImportIds.WritePrefix(ImportId);
        if (plan.Township is { } township) { await refs.Roster.RegisterTownship(township, actor); _partsApplied++; }
        foreach (var village in plan.Villages) { await refs.Roster.RegisterVillage(village, actor); _partsApplied++; }
        if (plan.Indicators.Count > 0) { await refs.Catalog.DefineIndicators(plan.Indicators, prefix + "/indicators", actor); _partsApplied++; }
        foreach (var type in plan.CaseTypes) { await refs.Catalog.DefineCaseType(type, $"{prefix}/case-type/{type.Code}", actor); _partsApplied++; }
        await PersistAsync(new ImportCompleted(EventMeta.Of(actor, clock.GetUtcNow(), ImportId), []), "completed", planned.ContentSha256, CancellationToken.None);
    }
}
