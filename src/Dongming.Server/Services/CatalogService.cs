using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.CatalogService: indicators and case types.</summary>
public sealed class CatalogGrpcService(GrainRefs refs, CatalogCache cache) : CatalogService.CatalogServiceBase
{
    private ICatalogGrain Catalog => refs.Catalog;

    public override async Task<ListIndicatorsResponse> ListIndicators(ListIndicatorsRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Category)) { var v = new Violations(); Text.CheckCode(v, "category", request.Category); v.ThrowIfAny(); }
        var catalog = await cache.RefreshAsync();
        var response = new ListIndicatorsResponse();
        response.Indicators.AddRange(catalog.All.Where(i => string.IsNullOrEmpty(request.Category) || i.Category == request.Category).Select(i => Mappers.ToWire(i, catalog)));
        return response;
    }

    public override async Task<Indicator> GetIndicator(GetIndicatorRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckCode(v, "code", request.Code);
        v.ThrowIfAny();
        var catalog = await cache.GetAsync();
        if (!catalog.TryGet(request.Code, out var indicator))
        {
            catalog = await cache.RefreshAsync();
            if (!catalog.TryGet(request.Code, out indicator)) throw DomainException.NotFound($"indicator {request.Code} not found");
        }
        return Mappers.ToWire(indicator, catalog);
    }

    public override async Task<Indicator> DefineIndicator(DefineIndicatorRequest request, ServerCallContext context)
    {
        var definition = Mappers.ToDomain(request.Indicator);
        var defined = await Catalog.DefineIndicators([definition], request.RequestId, Mappers.Caller(context));
        var catalog = await cache.RefreshAsync();
        return Mappers.ToWire(defined[0], catalog);
    }

    public override async Task<ListCaseTypesResponse> ListCaseTypes(ListCaseTypesRequest request, ServerCallContext context)
    {
        var response = new ListCaseTypesResponse();
        response.CaseTypes.AddRange((await Catalog.GetCaseTypes()).Select(Mappers.ToWire));
        return response;
    }

    public override async Task<CaseType> DefineCaseType(DefineCaseTypeRequest request, ServerCallContext context)
    {
        if (request.CaseType is null) throw DomainException.Invalid("case_type", "is required");
        var type = new CaseTypeDefinition(request.CaseType.Code, request.CaseType.NameZh, request.CaseType.NameEn);
        return Mappers.ToWire(await Catalog.DefineCaseType(type, request.RequestId, Mappers.Caller(context)));
    }
}
