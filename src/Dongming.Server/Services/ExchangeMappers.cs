using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Google.Protobuf;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>Translation between ExchangeService's messages and the import and export grains'.</summary>
public static class ExchangeMappers
{
    /// <summary>The format as the grains name it ("csv", "xlsx", or "" to detect it); an unknown enum value is INVALID_ARGUMENT.</summary>
    public static string Format(FileFormat format, string field = "format") => format switch
    {
        FileFormat.Unspecified => string.Empty,
        FileFormat.Csv => "csv",
        FileFormat.Xlsx => "xlsx",
        _ => throw DomainException.Invalid(field, "must be FILE_FORMAT_CSV, FILE_FORMAT_XLSX or unspecified"),
    };

    /// <summary>The file's bytes, refused when empty (INVALID_ARGUMENT) or over the limit (RESOURCE_EXHAUSTED).</summary>
    public static byte[] Content(ByteString content, int maxFileBytes)
    {
        if (content.Length > maxFileBytes)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the file is {content.Length:N0} bytes; at most {maxFileBytes:N0} are taken (Dongming:Exchange:MaxFileBytes): split it into smaller files"));
        if (content.Length == 0) throw DomainException.Invalid("content", "is empty: send the file's bytes");
        return content.ToByteArray();
    }

    /// <summary>A period given for rows that name none (validated: INVALID_ARGUMENT naming <c>period</c>), or null.</summary>
    public static string? DefaultPeriod(string period)
    {
        if (string.IsNullOrEmpty(period)) return null;
        var v = new Violations();
        var p = Period.Parse(v, "period", period);
        v.ThrowIfAny();
        return p!.Value.ToString();
    }

    /// <summary>An import id (INVALID_ARGUMENT naming <c>import_id</c> when it has not the shape of one).</summary>
    public static string ImportId(string importId) =>
        ImportIds.IsImportId(importId) ? importId : throw DomainException.Invalid("import_id", "is not an import id (as ImportValues, ImportRoster, ImportCatalog or ImportCases answer it)");

    public static ImportValuesResponse ToWire(ValuesImportAnswer a)
    {
        var response = new ImportValuesResponse
        {
            ImportId = a.ImportId,
            RowsRead = a.RowsRead,
            ValuesNew = a.ValuesNew,
            ValuesChanged = a.ValuesChanged,
            ValuesUnchanged = a.ValuesUnchanged,
            Applied = a.Applied,
        };
        response.Errors.AddRange(a.Errors.Select(ToWire));
        response.Changes.AddRange(a.Changes.Select(c => new ValueChange
        {
            OrgUnitId = c.OrgUnitId,
            Period = c.Period,
            Indicator = c.Indicator,
            OldValue = c.Old is { } old ? Mappers.Dec(old) : string.Empty,
            NewValue = Mappers.Dec(c.New),
            AtLeast = c.AtLeast,
        }));
        response.Warnings.AddRange(a.Warnings.Select(w => new ImportWarning
        {
            OrgUnitId = w.OrgUnitId,
            Period = w.Period,
            Rule = w.Warning.Rule,
            Message = $"{w.Warning.Name}: {w.Warning.Left} {w.Warning.Operator} {w.Warning.Right}" +
                (w.Warning.LeftValue is null ? string.Empty : $" ({w.Warning.LeftValue} {w.Warning.Operator} {w.Warning.RightValue})"),
        }));
        return response;
    }

    public static ImportResponse ToWire(SheetImportAnswer a)
    {
        var response = new ImportResponse { ImportId = a.ImportId, RowsRead = a.RowsRead, Created = a.Created, Changed = a.Changed, Unchanged = a.Unchanged, Applied = a.Applied };
        response.Errors.AddRange(a.Errors.Select(ToWire));
        response.Changes.AddRange(a.Changes);
        return response;
    }

    public static ImportError ToWire(ImportProblem p) => new() { Row = p.Row, Column = p.Column, Field = p.Field, Message = p.Message };

    public static ImportStatus ToWire(ImportProgress p) => new()
    {
        ImportId = p.ImportId,
        Kind = p.Kind,
        TownshipId = p.TownshipId ?? string.Empty,
        FileName = p.FileName,
        ContentSha256 = p.ContentSha256,
        State = p.Completed ? ImportState.Completed : ImportState.Applying,
        ImportedBy = p.ImportedBy,
        ImportedByName = p.ImportedByName,
        StartedAt = Mappers.Ts(p.StartedAt),
        CompletedAt = p.CompletedAt is { } at ? Mappers.Ts(at) : null,
        PartsTotal = p.PartsTotal,
        PartsApplied = p.PartsApplied,
        RowsRead = p.RowsRead,
    };

    public static ExportResponse ToWire(ExportedFile f) => new() { FileName = f.FileName, MediaType = f.MediaType, Content = ByteString.CopyFrom(f.Content) };
}
