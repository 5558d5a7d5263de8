using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.CatalogService: indicators and case types (read from the silo's catalog cache).</summary>
public sealed class CatalogGrpcService(GrainRefs refs, CatalogCache cache) : CatalogService.CatalogServiceBase
{
    public override async Task<ListIndicatorsResponse> ListIndicators(ListIndicatorsRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Category)) { var v = new Violations(); Text.CheckCode(v, "category", request.Category); v.ThrowIfAny(); }
        var catalog = await cache.CurrentAsync();
        var response = new ListIndicatorsResponse();
        response.Indicators.AddRange(catalog.All.Where(i => string.IsNullOrEmpty(request.Category) || i.Category == request.Category).Select(i => Mappers.ToWire(i, catalog)));
        return response;
    }

    public override async Task<Indicator> GetIndicator(GetIndicatorRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckCode(v, "code", request.Code);
        v.ThrowIfAny();
        var catalog = await cache.ForCodesAsync([request.Code]);
        return catalog.TryGet(request.Code, out var indicator) ? Mappers.ToWire(indicator, catalog) : throw DomainException.NotFound($"indicator {request.Code} not found");
    }

    public override async Task<Indicator> DefineIndicator(DefineIndicatorRequest request, ServerCallContext context)
    {
        var defined = await refs.Catalog.DefineIndicators([Mappers.ToDomain(request.Indicator)], request.RequestId, Mappers.Actor(context));
        return Mappers.ToWire(defined[0], await cache.ForCodesAsync([defined[0].Code]));
    }

    public override async Task<ListCaseTypesResponse> ListCaseTypes(ListCaseTypesRequest request, ServerCallContext context)
    {
        var response = new ListCaseTypesResponse();
        response.CaseTypes.AddRange((await refs.Catalog.GetCaseTypes()).Select(Mappers.ToWire));
        return response;
    }

    public override async Task<CaseType> DefineCaseType(DefineCaseTypeRequest request, ServerCallContext context)
    {
        var t = request.CaseType ?? throw DomainException.Invalid("case_type", "is required");
        return Mappers.ToWire(await refs.Catalog.DefineCaseType(new CaseTypeDefinition(t.Code, t.NameZh, t.NameEn), request.RequestId, Mappers.Actor(context)));
    }
}
