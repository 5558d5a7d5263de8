using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Dongming.Domain;
using Dongming.Exchange;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains.Exchange;

/// <summary>Events of an import's stream (<c>import/{import id}</c>): its plan, recorded before anything is applied, and its completion.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(ImportPlanned), "import_planned")]
[JsonDerivedType(typeof(ImportCompleted), "import_completed")]
public abstract record ImportEvent(EventMeta Meta);

/// <summary>
/// What an import will write, decided once every row passed its checks: the parts (one write to one org unit and
/// period each, with the request id it is written under) and the counts of its answer.
/// </summary>
public sealed record ImportPlanned(
    EventMeta Meta, string Kind, string? TownshipId, string FileName, string ContentSha256, int RowsRead, int ValuesUnchanged,
    IReadOnlyList<ImportPart> Parts, SetupPlan? Setup = null) : ImportEvent(Meta)
{
    /// <summary>Writes of the plan: value parts, or registrations and definitions.</summary>
    public int PartsTotal => Parts.Count + (Setup?.PartsTotal ?? 0);
}

/// <summary>Every part of the plan is applied; the warnings the writes were answered with.</summary>
public sealed record ImportCompleted(EventMeta Meta, IReadOnlyList<ImportedWarning> Warnings) : ImportEvent(Meta);

/// <summary>One write of a plan: values of one org unit and period (at most <see cref="Reporting.MaxBatchSize"/>), under a request id of the import.</summary>
public sealed record ImportPart(string OrgUnitId, string Period, string RequestId, string Comment, IReadOnlyList<ImportedChange> Values);

/// <summary>State of an import: its plan and completion (null until recorded).</summary>
public sealed class ImportState
{
    public ImportPlanned? Plan { get; set; }

    public ImportCompleted? Completion { get; set; }
}

/// <inheritdoc cref="IImportGrain"/>
public sealed partial class ImportGrain(IJournalStore store, CatalogCache catalogs, GrainRefs refs, TimeProvider clock, ILogger<ImportGrain> logger)
    : EventSourcedGrain<ImportState, ImportEvent>(store, logger), IImportGrain
{
    private int _partsApplied;

    private string ImportId => this.GetPrimaryKeyString()["import/".Length..];

    protected override void Apply(ImportEvent e, long version)
    {
        switch (e)
        {
            case ImportPlanned p:
                State.Plan = p;
                break;
            case ImportCompleted c:
                State.Completion = c;
                break;
        }
    }

    public Task<ImportProgress> GetStatus()
    {
        if (State.Plan is not { } plan) throw DomainException.NotFound($"import {ImportId} not found");
        var done = State.Completion;
        return Task.FromResult(new ImportProgress(ImportId, plan.Kind, plan.TownshipId, plan.FileName, plan.ContentSha256, done is not null,
            plan.Meta.Actor, plan.Meta.ActorName, plan.Meta.At, done?.Meta.At, plan.PartsTotal, done is null ? _partsApplied : plan.PartsTotal, plan.RowsRead));
    }

    public async Task<ValuesImportAnswer> ImportValues(ValuesImportCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var v = new Violations();
        var period = string.IsNullOrEmpty(command.Period) ? null : Period.Parse(v, "period", command.Period);
        Text.CheckText(v, "file_name", command.FileName, 255);
        if (!string.IsNullOrEmpty(command.RequestId)) Text.CheckRequestId(v, "request_id", command.RequestId);
        v.ThrowIfAny();
        var sha = ImportIds.Sha256(command.Content);
        if (sha != command.ContentSha256 || ImportIds.Values(command.TownshipId, sha, period?.ToString()) != ImportId)
            throw DomainException.Precondition($"the file does not belong to import {ImportId}");

        if (!command.DryRun && State.Plan is { Setup: null } recorded)
        {
            if (State.Completion is { } completion) return Answer(recorded, completion.Warnings, applied: true);
            // Interrupted (a crash, a failed write): the plan is the one the first run recorded; complete it.
            return Answer(recorded, await ApplyAsync(recorded, actor), applied: true);
        }

        var (read, problems, changes, unchanged, warnings) = await CheckAsync(command, period);
        var newCount = changes.Count(c => c.Old is null);
        if (problems.Count > 0 || command.DryRun)
            return new ValuesImportAnswer(ImportId, read.RowsRead, problems.Count > 0 ? 0 : newCount, problems.Count > 0 ? 0 : changes.Count - newCount,
                problems.Count > 0 ? 0 : unchanged, problems, problems.Count > 0 ? [] : changes, false, problems.Count > 0 ? [] : warnings);

        var plan = new ImportPlanned(EventMeta.Of(actor, clock.GetUtcNow(), ImportId), "values", command.TownshipId, command.FileName, sha, read.RowsRead, unchanged,
            Parts(changes, command.FileName));
        await PersistAsync(plan, "plan", Reporting.Fingerprint(sha, command.Period), CancellationToken.None);
        return Answer(plan, await ApplyAsync(plan, actor), applied: true);
    }

    /// <summary>The answer of a recorded plan (the first answer, for a file sent again).</summary>
    private ValuesImportAnswer Answer(ImportPlanned plan, IReadOnlyList<ImportedWarning> warnings, bool applied)
    {
        var changes = plan.Parts.SelectMany(p => p.Values).ToList();
        var created = changes.Count(c => c.Old is null);
        return new ValuesImportAnswer(ImportId, plan.RowsRead, created, changes.Count - created, plan.ValuesUnchanged, [], Ordered(changes), applied, warnings);
    }

    private static List<ImportedChange> Ordered(IEnumerable<ImportedChange> changes) =>
        [.. changes.OrderBy(c => c.OrgUnitId, StringComparer.Ordinal).ThenBy(c => Period.Parse(c.Period)).ThenBy(c => c.Indicator, StringComparer.Ordinal)];

    /// <summary>
    /// Reads the file and checks every value read with the ledger that would take it (ReportValues' checks, without
    /// writing): the errors of the file and of the ledgers, or what would change.
    /// </summary>
    private async Task<(ValuesRead Read, List<ImportProblem> Problems, List<ImportedChange> Changes, int Unchanged, List<ImportedWarning> Warnings)> CheckAsync(ValuesImportCommand command, Period? period)
    {
        var township = await refs.Roster.GetTownship(command.TownshipId) ?? throw DomainException.NotFound($"township {command.TownshipId} not found");
        var villages = await refs.Roster.VillagesOf(command.TownshipId) ?? [];
        var catalog = await catalogs.CurrentAsync();
        var read = SheetImport.Values(new SheetFile(command.Content, command.FileName, Format(command.Format)), new ValuesContext(catalog, township, villages, period));
        var problems = read.Errors.Select(e => new ImportProblem(e.Row, e.Column, e.Field, e.Sheet is null ? e.Message : $"{e.Sheet}: {e.Message}")).ToList();
        if (read.ErrorCount > read.Errors.Count) problems.Add(new ImportProblem(0, string.Empty, "file", $"{read.ErrorCount - read.Errors.Count} more errors not listed; fix these and import again"));

        // Each org unit's reports, in chunks a report may hold; checked by its ledger, the org units in parallel.
        var groups = read.Values.GroupBy(x => x.OrgUnitId, StringComparer.Ordinal)
            .Select(g => (OrgUnit: g.Key, Chunks: g.GroupBy(x => x.Period).SelectMany(p => p.Chunk(Reporting.MaxBatchSize)).ToList()))
            .ToList();
        var checks = new ConcurrentBag<(ImportedValue[] Chunk, ReportCheck Check)>();
        await Task.WhenAll(groups.Select(async g =>
        {
            var commands = g.Chunks.Select((chunk, i) => new ReportCommand(g.OrgUnit, chunk[0].Period.ToString(),
                [.. chunk.Select(x => new ReportLine(x.Indicator, ExactDecimal.Format(x.Value), x.AtLeast))], "check/" + i, null)).ToList();
            IReadOnlyList<ReportCheck> results;
            try
            {
                results = await refs.Ledger(g.OrgUnit).CheckReports(commands);
            }
            catch (DomainException e)
            {
                results = [.. commands.Select(_ => new ReportCheck([], e.Message, e.Violations))];
            }
            for (var i = 0; i < commands.Count; i++) checks.Add((g.Chunks[i], results[i]));
        }));

        var changes = new List<ImportedChange>();
        var warnings = new List<ImportedWarning>();
        var unchanged = 0;
        foreach (var (chunk, check) in checks)
        {
            warnings.AddRange((check.Warnings ?? []).Select(w => new ImportedWarning(chunk[0].OrgUnitId, chunk[0].Period.ToString(), w)));
            if (check.Error is { } error)
            {
                problems.AddRange(Problems(chunk, error, check.Violations));
                continue;
            }
            var held = check.Held.ToDictionary(f => f.Indicator, StringComparer.Ordinal);
            foreach (var x in chunk)
            {
                var old = held.GetValueOrDefault(x.Indicator);
                if (old is not null && old.Value == x.Value && old.AtLeast == x.AtLeast) { unchanged++; continue; }
                changes.Add(new ImportedChange(x.OrgUnitId, x.Period.ToString(), x.Indicator, old?.Value, old?.AtLeast ?? false, x.Value, x.AtLeast));
            }
        }
        var ordered = problems.Distinct().OrderBy(p => p.Row).ThenBy(p => p.Column.Length).ThenBy(p => p.Column, StringComparer.Ordinal).ToList();
        return (read, ordered, Ordered(changes), unchanged,
            [.. warnings.OrderBy(w => w.OrgUnitId, StringComparer.Ordinal).ThenBy(w => Period.Parse(w.Period)).ThenBy(w => w.Warning.Rule, StringComparer.Ordinal)]);
    }

    /// <summary>A ledger's refusal of a chunk, on the cells it concerns: a value's own violation on its cell, anything else on each row.</summary>
    private static IEnumerable<ImportProblem> Problems(ImportedValue[] chunk, string error, IReadOnlyList<FieldViolation> violations)
    {
        if (violations.Count == 0)
        {
            foreach (var row in chunk.Select(x => x.Row).Distinct()) yield return new ImportProblem(row, string.Empty, "village", error);
            yield break;
        }
        foreach (var violation in violations)
        {
            var m = LineField().Match(violation.Field);
            if (m.Success && int.TryParse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < chunk.Length)
            {
                var x = chunk[i];
                yield return new ImportProblem(x.Row, x.Column, m.Groups[2].Value == "indicator" ? "indicator" : "value", $"{x.Indicator}: {violation.Description}");
                continue;
            }
            foreach (var row in chunk.Select(x => x.Row).Distinct()) yield return new ImportProblem(row, string.Empty, violation.Field, violation.Description);
        }
    }

    [GeneratedRegex(@"^values\[(\d+)\]\.([a-z_]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex LineField();

    /// <summary>The writes of a plan: per org unit and period, chunks of changed values, each under a request id of this import.</summary>
    private List<ImportPart> Parts(List<ImportedChange> changes, string fileName)
    {
        var prefix = ImportIds.WritePrefix(ImportId);
        var comment = $"import {ImportId} of {fileName}";
        if (comment.Length > Text.MaxNoteLength) comment = comment[..Text.MaxNoteLength];
        return [.. changes.GroupBy(c => (c.OrgUnitId, c.Period))
            .SelectMany(g => g.Chunk(Reporting.MaxBatchSize).Select((chunk, i) => new ImportPart(g.Key.OrgUnitId, g.Key.Period,
                $"{prefix}/{g.Key.OrgUnitId}/{g.Key.Period}/{i}", comment, chunk)))];
    }

    /// <summary>
    /// Applies every part of a recorded plan (org units in parallel, each one's parts in order): a part applied before
    /// is a replay of its request id and applies nothing again. Then records the completion.
    /// </summary>
    private async Task<IReadOnlyList<ImportedWarning>> ApplyAsync(ImportPlanned plan, Actor actor)
    {
        _partsApplied = 0;
        var warnings = new ConcurrentBag<ImportedWarning>();
        await Task.WhenAll(plan.Parts.GroupBy(p => p.OrgUnitId, StringComparer.Ordinal).Select(async g =>
        {
            var ledger = refs.Ledger(g.Key);
            foreach (var part in g)
            {
                var command = new ReportCommand(part.OrgUnitId, part.Period, [.. part.Values.Select(x => new ReportLine(x.Indicator, ExactDecimal.Format(x.New), x.AtLeast))],
                    part.RequestId, part.Comment);
                var receipt = await ledger.ReportValues(command, actor, CancellationToken.None);
                foreach (var w in receipt.Warnings ?? []) warnings.Add(new ImportedWarning(part.OrgUnitId, part.Period, w));
                Interlocked.Increment(ref _partsApplied);
            }
        }));
        var ordered = warnings.OrderBy(w => w.OrgUnitId, StringComparer.Ordinal).ThenBy(w => w.Period, StringComparer.Ordinal).ThenBy(w => w.Warning.Rule, StringComparer.Ordinal).ToList();
        var completed = new ImportCompleted(EventMeta.Of(actor, clock.GetUtcNow(), ImportId), ordered);
        await PersistAsync(completed, "completed", plan.ContentSha256, CancellationToken.None);
        return ordered;
    }

    private static SheetFormat Format(string format) => format switch
    {
        "csv" => SheetFormat.Csv,
        "xlsx" => SheetFormat.Xlsx,
        _ => SheetFormat.Unspecified,
    };
}
