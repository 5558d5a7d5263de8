using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Dongming.Grains.Abstractions;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.CaseService: remediation cases.</summary>
public sealed class CaseGrpcService(GrainRefs refs, TimeProvider clock) : CaseService.CaseServiceBase
{
    private DateOnly Today => CaseDates.Today(clock);

    /// <summary>The ledger holding a case (found through the case registry), or NotFound.</summary>
    private async Task<ILedgerGrain> LedgerOf(string caseId) =>
        refs.Ledger(await refs.CaseRegistry.Locate(Mappers.RouteCase(caseId)) ?? throw DomainException.NotFound($"case {caseId} not found"));

    public override async Task<OpenCaseResponse> OpenCase(OpenCaseRequest r, ServerCallContext context)
    {
        var command = new OpenCaseCommand(r.VillageId, r.CaseType, Mappers.Opt(r.Batch), r.Title, Mappers.Opt(r.Description), r.Deadline,
            Mappers.Opt(r.Category), Mappers.ToDomain(r.Source), Mappers.Opt(r.Assignee), r.RequestId, Mappers.Opt(r.OpenedOn),
            Mappers.Opt(r.Location?.Longitude ?? string.Empty), Mappers.Opt(r.Location?.Latitude ?? string.Empty), Mappers.Opt(r.AreaMu),
            r.Repeat, r.Returned, Mappers.Opt(r.Note));
        var c = await refs.Ledger(Mappers.Route(r.VillageId, "village_id")).OpenCase(command, Mappers.Actor(context), context.CancellationToken);
        return new OpenCaseResponse { Case = Mappers.ToWire(c, Today) };
    }

    public override async Task<GetCaseResponse> GetCase(GetCaseRequest request, ServerCallContext context) =>
        new() { Case = Mappers.ToWire(await (await LedgerOf(request.CaseId)).GetCase(request.CaseId), Today) };

    public override async Task<TransitionCaseResponse> TransitionCase(TransitionCaseRequest r, ServerCallContext context)
    {
        var command = new TransitionCaseCommand(r.CaseId, Mappers.ToDomain(r.ToStatus), r.ExpectedVersion, Mappers.Opt(r.Note), r.RequestId, Mappers.Opt(r.EffectiveOn));
        var c = await (await LedgerOf(r.CaseId)).TransitionCase(command, Mappers.Actor(context), context.CancellationToken);
        return new TransitionCaseResponse { Case = Mappers.ToWire(c, Today) };
    }

    public override async Task<UpdateCaseResponse> UpdateCase(UpdateCaseRequest r, ServerCallContext context)
    {
        var command = new UpdateCaseCommand(r.CaseId, r.ExpectedVersion, r.HasDeadline ? r.Deadline : null, r.HasAssignee ? r.Assignee : null,
            r.HasRepeat ? r.Repeat : null, r.HasReturned ? r.Returned : null, Mappers.Opt(r.Note), r.RequestId);
        var c = await (await LedgerOf(r.CaseId)).UpdateCase(command, Mappers.Actor(context), context.CancellationToken);
        return new UpdateCaseResponse { Case = Mappers.ToWire(c, Today) };
    }

    public override async Task<ListCasesResponse> ListCases(ListCasesRequest r, ServerCallContext context)
    {
        var status = Mappers.ToDomain(r.Status);
        var query = CaseQuery.Validate(Mappers.Opt(r.CaseType), status, r.Status != Contracts.V1.CaseStatus.Unspecified && status is null,
            Mappers.Opt(r.Batch), Mappers.Opt(r.OverdueAsOf), r.PageSize, Mappers.Opt(r.PageToken), r.DueWithinDays, Today);
        var page = string.IsNullOrEmpty(r.VillageId)
            ? await refs.Township(Mappers.Route(string.IsNullOrEmpty(r.TownshipId) ? "dongming" : r.TownshipId, "township_id")).ListCases(query)
            : await refs.Ledger(Mappers.Route(r.VillageId, "village_id")).ListCases(query);
        var response = new ListCasesResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Cases.AddRange(page.Cases.Select(c => Mappers.ToWire(c, query.OverdueAsOf ?? Today)));
        return response;
    }

    public override async Task<GetCaseHistoryResponse> GetCaseHistory(GetCaseHistoryRequest request, ServerCallContext context)
    {
        var response = new GetCaseHistoryResponse();
        response.Entries.AddRange((await (await LedgerOf(request.CaseId)).GetCaseHistory(request.CaseId, context.CancellationToken)).Select(Mappers.ToWire));
        return response;
    }
}
