using Dongming.Contracts.V1;
using Dongming.Grains.Abstractions;
using Dongming.Server.Settings;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Services;

/// <summary>
/// dongming.v1.ExchangeService: ledgers in, figures out. Checks the request's shape and size, then makes one call to
/// the grain that owns the import (keyed by what it imports and the file's content hash) or the export.
/// </summary>
public sealed class ExchangeGrpcService(IGrainFactory grains, IOptions<ExchangeOptions> options) : ExchangeService.ExchangeServiceBase
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

    public override async Task<ImportStatus> GetImport(GetImportRequest request, ServerCallContext context) =>
        ExchangeMappers.ToWire(await Import(ExchangeMappers.ImportId(request.ImportId)).GetStatus());
}
