using Dongming.Contracts.V1;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.QualityService: validation rules and data sets (catalog data), validation runs, outliers, completeness.</summary>
public sealed class QualityGrpcService(GrainRefs refs, CatalogCache cache) : QualityService.QualityServiceBase
{
    public override async Task<ValidationRule> DefineValidationRule(DefineValidationRuleRequest request, ServerCallContext context)
    {
        var defined = await refs.Catalog.DefineValidationRule(QualityMappers.ToDomain(request.Rule), request.RequestId, Mappers.Actor(context));
        // Read back through this silo's cache, brought to the new version: the rule as it is in force (and where it comes from).
        var rule = (await cache.CurrentQualityAsync()).Rule(defined.Rule.Code);
        return rule is not null ? QualityMappers.ToWire(rule) : throw new InvalidOperationException($"rule {defined.Rule.Code} defined but not in force");
    }

    public override async Task<ListValidationRulesResponse> ListValidationRules(ListValidationRulesRequest request, ServerCallContext context)
    {
        var response = new ListValidationRulesResponse();
        response.Rules.AddRange((await cache.CurrentQualityAsync()).Rules.Select(QualityMappers.ToWire));
        return response;
    }

    public override async Task<RunValidationResponse> RunValidation(RunValidationRequest request, ServerCallContext context) =>
        QualityMappers.ToWire(await refs.Township(Mappers.Route(request.TownshipId, "township_id")).RunValidation(request.Period, [.. request.OrgUnitIds], request.IncludeSkipped));

    public override async Task<FindOutliersResponse> FindOutliers(FindOutliersRequest request, ServerCallContext context) =>
        QualityMappers.ToWire(await refs.Township(Mappers.Route(request.TownshipId, "township_id")).FindOutliers(QualityMappers.ToDomain(request)));

    public override async Task<DataSet> DefineDataSet(DefineDataSetRequest request, ServerCallContext context) =>
        QualityMappers.ToWire(await refs.Catalog.DefineDataSet(request.TownshipId, QualityMappers.ToDomain(request.DataSet), request.RequestId, Mappers.Actor(context)));

    public override async Task<ListDataSetsResponse> ListDataSets(ListDataSetsRequest request, ServerCallContext context)
    {
        var township = Mappers.Route(request.TownshipId, "township_id");
        var response = new ListDataSetsResponse();
        response.DataSets.AddRange((await cache.CurrentQualityAsync()).DataSetsOf(township).Select(QualityMappers.ToWire));
        return response;
    }

    public override async Task<GetCompletenessResponse> GetCompleteness(GetCompletenessRequest request, ServerCallContext context)
    {
        var township = Mappers.Route(request.TownshipId, "township_id");
        return QualityMappers.ToWire(township, await refs.Township(township).GetCompleteness(request.DataSet, request.Period));
    }
}
