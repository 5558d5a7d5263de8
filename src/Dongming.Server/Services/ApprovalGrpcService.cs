using Dongming.Contracts.V1;
using Dongming.Grains;
using Grpc.Core;
using DomainApprovalAction = Dongming.Domain.ApprovalAction;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.ApprovalService: submitting, approving, rejecting and unapproving data sets; their status.</summary>
public sealed class ApprovalGrpcService(GrainRefs refs) : ApprovalService.ApprovalServiceBase
{
    private async Task<Approval> Step(DomainApprovalAction action, string orgUnitId, string dataSet, string period, string requestId, string reason, ServerCallContext context)
    {
        var command = QualityMappers.ToDomain(action, orgUnitId, dataSet, period, requestId, reason);
        var state = await refs.Ledger(Mappers.Route(orgUnitId, "org_unit_id")).ChangeApproval(command, Mappers.Actor(context), context.CancellationToken);
        return QualityMappers.ToWire(orgUnitId, state);
    }

    public override Task<Approval> Submit(SubmitRequest r, ServerCallContext context) =>
        Step(DomainApprovalAction.Submit, r.OrgUnitId, r.DataSet, r.Period, r.RequestId, r.Reason, context);

    public override Task<Approval> Approve(ApproveRequest r, ServerCallContext context) =>
        Step(DomainApprovalAction.Approve, r.OrgUnitId, r.DataSet, r.Period, r.RequestId, r.Reason, context);

    public override Task<Approval> Reject(RejectRequest r, ServerCallContext context) =>
        Step(DomainApprovalAction.Reject, r.OrgUnitId, r.DataSet, r.Period, r.RequestId, r.Reason, context);

    public override Task<Approval> Unapprove(UnapproveRequest r, ServerCallContext context) =>
        Step(DomainApprovalAction.Unapprove, r.OrgUnitId, r.DataSet, r.Period, r.RequestId, r.Reason, context);

    public override async Task<GetApprovalStatusResponse> GetApprovalStatus(GetApprovalStatusRequest r, ServerCallContext context)
    {
        var township = refs.Township(Mappers.Route(r.TownshipId, "township_id"));
        return QualityMappers.ToWire(await township.GetApprovalStatus(r.DataSet, r.Period, Mappers.Opt(r.OrgUnitId)));
    }
}
