using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.CaseService: remediation cases.</summary>
public sealed class CaseGrpcService(GrainRefs refs, TimeProvider clock) : CaseService.CaseServiceBase
{
    private DateOnly Today => CaseDates.Today(clock);

    /// <summary>The ledger holding a case (via the case registry), or NotFound.</summary>
    private async Task<ILedgerGrain> LedgerOf(string caseId)
    {
        var v = new Violations();
        if (string.IsNullOrEmpty(caseId)) v.Add("case_id", "is required");
        else if (caseId.Length > 128 || !Text.IsCleanText(caseId, false)) v.Add("case_id", "is not a valid case id");
        v.ThrowIfAny();
        var orgUnit = await refs.CaseRegistry.Locate(caseId) ?? throw DomainException.NotFound($"case {caseId} not found");
        return refs.Ledger(orgUnit);
    }

    public override async Task<OpenCaseResponse> OpenCase(OpenCaseRequest r, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", r.VillageId);
        v.ThrowIfAny();
        var command = new OpenCaseCommand(r.VillageId, r.CaseType, Mappers.Opt(r.Batch), r.Title, Mappers.Opt(r.Description), r.Deadline,
            Mappers.Opt(r.Category), Mappers.ToDomain(r.Source), Mappers.Opt(r.Assignee), r.RequestId, Mappers.Opt(r.OpenedOn),
            Mappers.Opt(r.Location?.Longitude ?? string.Empty), Mappers.Opt(r.Location?.Latitude ?? string.Empty), Mappers.Opt(r.AreaMu),
            r.Repeat, r.Returned, Mappers.Opt(r.Note));
        var c = await refs.Ledger(r.VillageId).OpenCase(new OpenCaseMessage(command, Mappers.Caller(context)), context.CancellationToken);
        return new OpenCaseResponse { Case = Mappers.ToWire(c, Today) };
    }

    public override async Task<GetCaseResponse> GetCase(GetCaseRequest request, ServerCallContext context)
    {
        var ledger = await LedgerOf(request.CaseId);
        return new GetCaseResponse { Case = Mappers.ToWire(await ledger.GetCase(request.CaseId), Today) };
    }

    public override async Task<TransitionCaseResponse> TransitionCase(TransitionCaseRequest r, ServerCallContext context)
    {
        var to = Mappers.ToDomain(r.ToStatus) ?? throw DomainException.Invalid("to_status", "is required (CASE_STATUS_UNSPECIFIED is not a status)");
        var ledger = await LedgerOf(r.CaseId);
        var c = await ledger.TransitionCase(new TransitionCaseMessage(r.CaseId, to, r.ExpectedVersion, Mappers.Opt(r.Note), r.RequestId, Mappers.Opt(r.EffectiveOn), Mappers.Caller(context)), context.CancellationToken);
        return new TransitionCaseResponse { Case = Mappers.ToWire(c, Today) };
    }

    public override async Task<UpdateCaseResponse> UpdateCase(UpdateCaseRequest r, ServerCallContext context)
    {
        var ledger = await LedgerOf(r.CaseId);
        var c = await ledger.UpdateCase(new UpdateCaseMessage(r.CaseId, r.ExpectedVersion, r.HasDeadline ? r.Deadline : null, r.HasAssignee ? r.Assignee : null,
            r.HasRepeat ? r.Repeat : null, r.HasReturned ? r.Returned : null, Mappers.Opt(r.Note), r.RequestId, Mappers.Caller(context)), context.CancellationToken);
        return new UpdateCaseResponse { Case = Mappers.ToWire(c, Today) };
    }

    public override async Task<ListCasesResponse> ListCases(ListCasesRequest r, ServerCallContext context)
    {
        var v = new Violations();
        if (!string.IsNullOrEmpty(r.VillageId)) Text.CheckOrgUnitId(v, "village_id", r.VillageId);
        var townshipId = string.IsNullOrEmpty(r.TownshipId) ? "dongming" : r.TownshipId;
        Text.CheckOrgUnitId(v, "township_id", townshipId);
        if (!string.IsNullOrEmpty(r.CaseType)) Text.CheckCode(v, "case_type", r.CaseType);
        Batches.Check(v, "batch", r.Batch);
        var overdueAsOf = CaseDates.Parse(v, "overdue_as_of", r.OverdueAsOf, required: false);
        var size = Paging.Size(r.PageSize, 50, 500, v);
        var key = Paging.Key(r.PageToken, v);
        DateOnly? afterDeadline = null;
        string? afterId = null;
        if (key is not null)
        {
            var bar = key.IndexOf('|');
            if (bar == 10 && DateOnly.TryParseExact(key[..bar], "yyyy-MM-dd", out var d)) { afterDeadline = d; afterId = key[(bar + 1)..]; }
            else v.Add("page_token", "is not a token this service issued");
        }
        if (r.Status != Contracts.V1.CaseStatus.Unspecified && Mappers.ToDomain(r.Status) is null) v.Add("status", "is not a known status");
        v.ThrowIfAny();
        var filter = new CaseFilter(Mappers.Opt(r.CaseType), Mappers.ToDomain(r.Status), Mappers.Opt(r.Batch), overdueAsOf, afterDeadline, afterId, size + 1);
        IReadOnlyList<CaseData> page;
        if (!string.IsNullOrEmpty(r.VillageId))
        {
            page = await refs.Ledger(r.VillageId).ListCases(filter);
        }
        else
        {
            var found = await refs.Township(townshipId).FindCases(filter);
            var fetched = await Task.WhenAll(found.GroupBy(l => l.OrgUnitId)
                .Select(g => refs.Ledger(g.Key).GetCases([.. g.Select(l => l.CaseId)])));
            var byId = fetched.SelectMany(x => x).ToDictionary(c => c.CaseId, StringComparer.Ordinal);
            page = [.. found.Where(l => byId.ContainsKey(l.CaseId)).Select(l => byId[l.CaseId])];
        }
        var today = Today;
        var response = new ListCasesResponse();
        response.Cases.AddRange(page.Take(size).Select(c => Mappers.ToWire(c, overdueAsOf ?? today)));
        if (page.Count > size) response.NextPageToken = Paging.Token($"{CaseDates.Format(page[size - 1].Deadline)}|{page[size - 1].CaseId}");
        return response;
    }

    public override async Task<GetCaseHistoryResponse> GetCaseHistory(GetCaseHistoryRequest request, ServerCallContext context)
    {
        var ledger = await LedgerOf(request.CaseId);
        var response = new GetCaseHistoryResponse();
        response.Entries.AddRange((await ledger.GetCaseHistory(request.CaseId, context.CancellationToken)).Select(h => new CaseHistoryEntry
        {
            Event = h.Event,
            Status = Mappers.ToWire(h.Status),
            FromStatus = h.From is { } f ? Mappers.ToWire(f) : Contracts.V1.CaseStatus.Unspecified,
            Actor = h.Actor,
            ActorName = h.ActorName,
            At = Mappers.Ts(h.At),
            Note = h.Note ?? string.Empty,
            RequestId = h.RequestId,
            EffectiveOn = Mappers.Date(h.EffectiveOn),
            Version = h.Version,
            Changes = { h.Changes },
        }));
        return response;
    }
}
