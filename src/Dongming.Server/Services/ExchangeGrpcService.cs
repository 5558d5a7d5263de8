using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Server.Settings;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Services;

/// <summary>
/// dongming.v1.ExchangeService: ledgers in, figures out. Checks the request's shape and size, then makes one call to
/// the grain that owns the import (keyed by what it imports and the file's content hash) or the export.
/// </summary>
public sealed class ExchangeGrpcService(IGrainFactory grains, IOptions<ExchangeOptions> options, TimeProvider clock) : ExchangeService.ExchangeServiceBase
{
    private int MaxFileBytes => options.Value.MaxFileBytes;

    private IImportGrain Import(string importId) => grains.GetGrain<IImportGrain>(ExchangeKeys.Import(importId));

    public override async Task<ImportValuesResponse> ImportValues(ImportValuesRequest r, ServerCallContext context)
    {
        var township = Mappers.Route(r.TownshipId, "township_id");
        var content = ExchangeMappers.Content(r.Content, MaxFileBytes);
        var period = ExchangeMappers.DefaultPeriod(r.Period);
        var sha = ImportIds.Sha256(content);
        var command = new ValuesImportCommand(township, period, r.FileName, content, ExchangeMappers.Format(r.Format), r.DryRun, Mappers.Opt(r.RequestId), sha);
        var answer = await Import(ImportIds.Values(township, sha, period)).ImportValues(command, Mappers.Actor(context), context.CancellationToken);
        return ExchangeMappers.ToWire(answer);
    }

    public override async Task<ImportResponse> ImportRoster(ImportRosterRequest r, ServerCallContext context)
    {
        var (content, sha) = File(r.Content);
        var command = new SheetImportCommand(null, r.FileName, content, ExchangeMappers.Format(r.Format), r.DryRun, Mappers.Opt(r.RequestId), sha);
        return ExchangeMappers.ToWire(await Import(ImportIds.Roster(sha)).ImportRoster(command, Mappers.Actor(context)));
    }

    public override async Task<ImportResponse> ImportCatalog(ImportCatalogRequest r, ServerCallContext context)
    {
        var (content, sha) = File(r.Content);
        var command = new SheetImportCommand(null, r.FileName, content, ExchangeMappers.Format(r.Format), r.DryRun, Mappers.Opt(r.RequestId), sha);
        return ExchangeMappers.ToWire(await Import(ImportIds.Catalog(sha)).ImportCatalog(command, Mappers.Actor(context)));
    }

    public override async Task<ImportResponse> ImportCases(ImportCasesRequest r, ServerCallContext context)
    {
        var township = Mappers.Route(r.TownshipId, "township_id");
        var (content, sha) = File(r.Content);
        var command = new SheetImportCommand(township, r.FileName, content, ExchangeMappers.Format(r.Format), r.DryRun, Mappers.Opt(r.RequestId), sha);
        return ExchangeMappers.ToWire(await Import(ImportIds.Cases(township, sha)).ImportCases(command, Mappers.Actor(context)));
    }

    private (byte[] Content, string Sha256) File(Google.Protobuf.ByteString bytes)
    {
        var content = ExchangeMappers.Content(bytes, MaxFileBytes);
        return (content, ImportIds.Sha256(content));
    }

    public override async Task<ImportStatus> GetImport(GetImportRequest request, ServerCallContext context) =>
        ExchangeMappers.ToWire(await Import(ExchangeMappers.ImportId(request.ImportId)).GetStatus());

    public override async Task<ExportResponse> ExportTotals(ExportTotalsRequest request, ServerCallContext context)
    {
        var township = Mappers.Route(request.TownshipId, "township_id");
        var file = await grains.GetGrain<IExportGrain>(ExchangeKeys.Export(township)).ExportTotals(request.Period, ExchangeMappers.Format(request.Format), request.IncludeBreakdown);
        return ExchangeMappers.ToWire(file);
    }

    public override async Task<ExportResponse> ExportCases(ExportCasesRequest request, ServerCallContext context)
    {
        var r = request.Filter ?? new ListCasesRequest();
        var today = CaseDates.Today(clock);
        var status = Mappers.ToDomain(r.Status);
        // Every matching case: the page fields of the filter are ignored.
        var query = CaseQuery.Validate(Mappers.Opt(r.CaseType), status, r.Status != Contracts.V1.CaseStatus.Unspecified && status is null,
            Mappers.Opt(r.Batch), Mappers.Opt(r.OverdueAsOf), 0, null, r.DueWithinDays, today);
        var township = Mappers.Route(string.IsNullOrEmpty(r.TownshipId) ? "dongming" : r.TownshipId, "filter.township_id");
        var village = string.IsNullOrEmpty(r.VillageId) ? null : Mappers.Route(r.VillageId, "filter.village_id");
        var file = await grains.GetGrain<IExportGrain>(ExchangeKeys.Export(township))
            .ExportCases(query, village, ExchangeMappers.Format(request.Format), query.OverdueAsOf ?? today);
        return ExchangeMappers.ToWire(file);
    }
}
