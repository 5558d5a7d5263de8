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
    IReadOnlyList<string> Lines, int Created, int Unchanged, IReadOnlyList<CasePlan>? Cases = null, int Changed = 0)
{
    public int PartsTotal => (Township is null ? 0 : 1) + Villages.Count + (Indicators.Count > 0 ? 1 : 0) + CaseTypes.Count + (Cases?.Count ?? 0);
}

/// <summary>
/// One case of a case import: a new one (<see cref="Open"/>, its id assigned when opened) or a listed one (<see cref="CaseId"/>),
/// then the transitions that bring it to the sheet's status, each with the version it expects and its effective date.
/// </summary>
public sealed record CasePlan(int Row, string OrgUnitId, string? CaseId, OpenCaseCommand? Open, IReadOnlyList<CaseStep> Steps);

/// <summary>One transition of a planned case.</summary>
public sealed record CaseStep(CaseStatus To, long ExpectedVersion, string EffectiveOn);

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

    public Task<SheetImportAnswer> ImportCases(SheetImportCommand command, Actor actor) =>
        ImportSetupAsync("cases", sha => ImportIds.Cases(command.TownshipId ?? string.Empty, sha), command, actor, CheckCasesAsync);

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
        : new SheetImportAnswer(ImportId, rows, plan.Created, plan.Changed, plan.Unchanged, [], plan.Lines, applied);

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

    /// <summary>
    /// A case list against the township: new cases (no id) are opened and walked to the sheet's status; listed ones (an
    /// exported list) are walked from their status to the sheet's — or left alone when it is the same.
    /// </summary>
    private async Task<(int, List<ImportProblem>, SetupPlan)> CheckCasesAsync(SheetImportCommand command)
    {
        var townshipId = command.TownshipId ?? string.Empty;
        var township = await refs.Roster.GetTownship(townshipId) ?? throw DomainException.NotFound($"township {townshipId} not found");
        var villages = await refs.Roster.VillagesOf(townshipId) ?? [];
        var caseTypes = await refs.Catalog.GetCaseTypes();
        var today = CaseDates.Today(clock);
        var read = SheetImport.Cases(new SheetFile(command.Content, command.FileName, Format(command.Format)), new CasesContext(township, villages, caseTypes, today));
        var problems = FileProblems(read).ToList();
        var prefix = ImportIds.WritePrefix(ImportId);
        var plans = new List<CasePlan>();
        var lines = new List<string>();
        var (created, changed, unchanged) = (0, 0, 0);
        foreach (var c in read.Cases)
        {
            if (c.CaseId is { } id)
            {
                RemediationCase current;
                try
                {
                    var holder = await refs.CaseRegistry.Locate(id) ?? throw DomainException.NotFound($"case {id} not found: a row with a case id must name a case of this service (leave the id empty for a new case)");
                    current = await refs.Ledger(holder).GetCase(id);
                }
                catch (DomainException e)
                {
                    problems.Add(new ImportProblem(c.Row, string.Empty, "case_id", e.Message));
                    continue;
                }
                if (current.Status == c.Status) { unchanged++; continue; }
                var path = CasePaths.From(current.Status, c.Status, current.CaseType);
                if (path.Count == 0) { problems.Add(new ImportProblem(c.Row, string.Empty, "status", $"case {id} cannot move from {current.Status} to {c.Status}")); continue; }
                var on = CaseDates.Format(Max(current.LastChangeOn, c.ClosedOn ?? c.RectifiedOn ?? today));
                plans.Add(new CasePlan(c.Row, current.OrgUnitId, id, null, [.. path.Select((s, i) => new CaseStep(s, current.Version + i, on))]));
                changed++;
                lines.Add($"case {id} moved from {current.Status} to {c.Status}");
                continue;
            }
            var opened = c.OpenedOn ?? today;
            var steps = new List<CaseStep>();
            foreach (var s in c.Transitions)
            {
                var day = s switch
                {
                    CaseStatus.Rectified => c.RectifiedOn ?? c.ClosedOn ?? opened,
                    CaseStatus.Closed => c.ClosedOn ?? c.RectifiedOn ?? opened,
                    _ => opened,
                };
                var last = steps.Count > 0 ? DateOnly.Parse(steps[^1].EffectiveOn, System.Globalization.CultureInfo.InvariantCulture) : opened;
                steps.Add(new CaseStep(s, 1 + steps.Count, CaseDates.Format(Max(day, last))));
            }
            if (c.Status != CaseStatus.Reported && steps.Count == 0) { problems.Add(new ImportProblem(c.Row, string.Empty, "status", $"a {c.CaseType} case cannot reach {c.Status}")); continue; }
            plans.Add(new CasePlan(c.Row, c.OrgUnitId, null, c.ToOpenCommand($"{prefix}/case/{c.Row}"), steps));
            created++;
            lines.Add($"case {c.Title} opened in {c.OrgUnitId}{(c.Status == CaseStatus.Reported ? string.Empty : $", {c.Status}")}");
        }
        return (read.RowsRead, problems, new SetupPlan(null, [], [], [], lines, created, unchanged, plans, changed));
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    /// <summary>Applies a recorded setup plan: registrations and definitions are idempotent, so a part applied before changes nothing again.</summary>
    private async Task ApplySetupAsync(ImportPlanned planned, SetupPlan plan, Actor actor)
    {
        _partsApplied = 0;
        var prefix = ImportIds.WritePrefix(ImportId);
        if (plan.Township is { } township) { await refs.Roster.RegisterTownship(township, actor); _partsApplied++; }
        foreach (var village in plan.Villages) { await refs.Roster.RegisterVillage(village, actor); _partsApplied++; }
        if (plan.Indicators.Count > 0) { await refs.Catalog.DefineIndicators(plan.Indicators, prefix + "/indicators", actor); _partsApplied++; }
        foreach (var type in plan.CaseTypes) { await refs.Catalog.DefineCaseType(type, $"{prefix}/case-type/{type.Code}", actor); _partsApplied++; }
        // Cases: each village's in order, the villages in parallel; an opening or a step applied before is a replay of its request id.
        await Task.WhenAll((plan.Cases ?? []).GroupBy(c => c.OrgUnitId, StringComparer.Ordinal).Select(async g =>
        {
            var ledger = refs.Ledger(g.Key);
            foreach (var c in g)
            {
                var caseId = c.CaseId ?? (await ledger.OpenCase(c.Open!, actor, CancellationToken.None)).CaseId;
                for (var i = 0; i < c.Steps.Count; i++)
                {
                    var step = c.Steps[i];
                    await ledger.TransitionCase(new TransitionCaseCommand(caseId, step.To, step.ExpectedVersion, $"import {ImportId}", $"{prefix}/case/{c.Row}/{i}", step.EffectiveOn), actor, CancellationToken.None);
                }
                Interlocked.Increment(ref _partsApplied);
            }
        }));
        await PersistAsync(new ImportCompleted(EventMeta.Of(actor, clock.GetUtcNow(), ImportId), []), "completed", planned.ContentSha256, CancellationToken.None);
    }
}
