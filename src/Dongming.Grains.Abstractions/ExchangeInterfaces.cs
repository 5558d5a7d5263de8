using Dongming.Domain;
using Orleans.Concurrency;

namespace Dongming.Grains.Abstractions;

/// <summary>Keys of the exchange grains (imports and exports of sheets).</summary>
public static class ExchangeKeys
{
    /// <summary>An import: its stream and grain key (<c>import/{import id}</c>).</summary>
    public static string Import(string importId) => "import/" + importId;

    /// <summary>The exports of a township (a stateless worker).</summary>
    public static string Export(string townshipId) => "export/" + townshipId;
}

/// <summary>
/// One import of one file (台账 in bulk), keyed by what it imports and the file's content hash: it parses the file,
/// runs on every row the checks the owning grains run, records its plan in its journal before applying anything, then
/// applies the plan part by part with request ids derived from the import — so the same file sent again after a crash
/// completes it (each value applied once) and after completion answers the first answer.
/// </summary>
[Alias("Dongming.IImportGrain")]
public interface IImportGrain : IGrainWithStringKey
{
    /// <summary>Imports values (validated here: township, period, the file's rows); a dry run applies nothing.</summary>
    [Alias("ImportValues"), ResponseTimeout("00:10:00")] Task<ValuesImportAnswer> ImportValues(ValuesImportCommand command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Imports a township and its villages (validated here: the rows, and each against the roster).</summary>
    [Alias("ImportRoster"), ResponseTimeout("00:10:00")] Task<SheetImportAnswer> ImportRoster(SheetImportCommand command, Actor actor);

    /// <summary>Imports indicators and case types (validated here: the rows, and each against the catalog).</summary>
    [Alias("ImportCatalog"), ResponseTimeout("00:10:00")] Task<SheetImportAnswer> ImportCatalog(SheetImportCommand command, Actor actor);

    /// <summary>Imports a township's case list (validated here: the rows, the case types, and each listed case's lifecycle).</summary>
    [Alias("ImportCases"), ResponseTimeout("00:10:00")] Task<SheetImportAnswer> ImportCases(SheetImportCommand command, Actor actor);

    /// <summary>What the import is and did; NotFound when it never planned (no real run got past its checks).</summary>
    [Alias("GetStatus"), AlwaysInterleave] Task<ImportProgress> GetStatus();
}

/// <summary>An ImportValues request as the caller sent it (the content is shared, never copied, inside a silo).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ValuesImportCommand")]
public sealed record ValuesImportCommand(
    [property: Id(0)] string TownshipId, [property: Id(1)] string? Period, [property: Id(2)] string FileName, [property: Id(3)] byte[] Content,
    [property: Id(4)] string Format, [property: Id(5)] bool DryRun, [property: Id(6)] string? RequestId, [property: Id(7)] string ContentSha256);

/// <summary>One bad cell or row of an imported file (1-based row, column letter; row 0 for the file).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ImportProblem")]
public sealed record ImportProblem([property: Id(0)] int Row, [property: Id(1)] string Column, [property: Id(2)] string Field, [property: Id(3)] string Message);

/// <summary>One value an import changes: old (null: none) and new.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ImportedChange")]
public sealed record ImportedChange(
    [property: Id(0)] string OrgUnitId, [property: Id(1)] string Period, [property: Id(2)] string Indicator, [property: Id(3)] decimal? Old,
    [property: Id(4)] bool OldAtLeast, [property: Id(5)] decimal New, [property: Id(6)] bool AtLeast);

/// <summary>A warning of an applied value: the org unit and period of the report, and the rule it left broken.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ImportedWarning")]
public sealed record ImportedWarning([property: Id(0)] string OrgUnitId, [property: Id(1)] string Period, [property: Id(2)] ValidationWarning Warning);

/// <summary>The answer of ImportValues.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ValuesImportAnswer")]
public sealed record ValuesImportAnswer(
    [property: Id(0)] string ImportId, [property: Id(1)] int RowsRead, [property: Id(2)] int ValuesNew, [property: Id(3)] int ValuesChanged,
    [property: Id(4)] int ValuesUnchanged, [property: Id(5)] IReadOnlyList<ImportProblem> Errors, [property: Id(6)] IReadOnlyList<ImportedChange> Changes,
    [property: Id(7)] bool Applied, [property: Id(8)] IReadOnlyList<ImportedWarning> Warnings);

/// <summary>The state of an import, for GetImport.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ImportProgress")]
public sealed record ImportProgress(
    [property: Id(0)] string ImportId, [property: Id(1)] string Kind, [property: Id(2)] string? TownshipId, [property: Id(3)] string FileName,
    [property: Id(4)] string ContentSha256, [property: Id(5)] bool Completed, [property: Id(6)] string ImportedBy, [property: Id(7)] string ImportedByName,
    [property: Id(8)] DateTimeOffset StartedAt, [property: Id(9)] DateTimeOffset? CompletedAt, [property: Id(10)] int PartsTotal,
    [property: Id(11)] int PartsApplied, [property: Id(12)] int RowsRead);

/// <summary>What a ledger says of a report it was asked to check (<see cref="ILedgerGrain.CheckReports"/>).</summary>
/// <param name="Warnings">The validation warnings the report would be answered with (a village's; never a refusal).</param>
[GenerateSerializer, Immutable, Alias("Dongming.ReportCheck")]
public sealed record ReportCheck(
    [property: Id(0)] IReadOnlyList<ReportedFigure> Held, [property: Id(1)] string? Error, [property: Id(2)] IReadOnlyList<FieldViolation> Violations,
    [property: Id(3)] IReadOnlyList<ValidationWarning>? Warnings = null);

/// <summary>
/// Exports of a township's sheets (a stateless worker: it reads the roster, the catalog and the township's kept totals
/// or cases, and writes the file).
/// </summary>
[Alias("Dongming.IExportGrain")]
public interface IExportGrain : IGrainWithStringKey
{
    /// <summary>The township's sheet of one period (the period is validated here); villages as rows when <paramref name="includeBreakdown"/>.</summary>
    [Alias("ExportTotals")] Task<ExportedFile> ExportTotals(string period, string format, bool includeBreakdown);

    /// <summary>Every case matching the query (of one village when <paramref name="villageId"/> is given), as a sheet; overdue as of <paramref name="asOf"/>.</summary>
    [Alias("ExportCases"), ResponseTimeout("00:05:00")] Task<ExportedFile> ExportCases(CaseQuery query, string? villageId, string format, DateOnly asOf);
}

/// <summary>A file written by an export.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.ExportedFile")]
public sealed record ExportedFile([property: Id(0)] string FileName, [property: Id(1)] string MediaType, [property: Id(2)] byte[] Content);

/// <summary>An ImportRoster, ImportCatalog or ImportCases request as the caller sent it (township: the cases').</summary>
[GenerateSerializer, Immutable, Alias("Dongming.SheetImportCommand")]
public sealed record SheetImportCommand(
    [property: Id(0)] string? TownshipId, [property: Id(1)] string FileName, [property: Id(2)] byte[] Content, [property: Id(3)] string Format,
    [property: Id(4)] bool DryRun, [property: Id(5)] string? RequestId, [property: Id(6)] string ContentSha256);

/// <summary>The answer of ImportRoster, ImportCatalog and ImportCases.</summary>
[GenerateSerializer, Immutable, Alias("Dongming.SheetImportAnswer")]
public sealed record SheetImportAnswer(
    [property: Id(0)] string ImportId, [property: Id(1)] int RowsRead, [property: Id(2)] int Created, [property: Id(3)] int Changed, [property: Id(4)] int Unchanged,
    [property: Id(5)] IReadOnlyList<ImportProblem> Errors, [property: Id(6)] IReadOnlyList<string> Changes, [property: Id(7)] bool Applied);
