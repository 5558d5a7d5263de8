using Dongming.Contracts.V1;
using Dongming.Domain;
using DomainProgressStatus = Dongming.Domain.ProgressStatus;
using DomainTarget = Dongming.Domain.Target;
using DomainTargetDirection = Dongming.Domain.TargetDirection;
using WireProgressStatus = Dongming.Contracts.V1.ProgressStatus;
using WireTarget = Dongming.Contracts.V1.Target;
using WireTargetDirection = Dongming.Contracts.V1.TargetDirection;

namespace Dongming.Server.Services;

/// <summary>Translation of targets and progress (the wire's enum numbers are the domain's).</summary>
public static partial class Mappers
{
    /// <summary>A wire direction as the domain's; UNSPECIFIED (or unknown) maps to null, which validation refuses.</summary>
    public static DomainTargetDirection? ToDomain(WireTargetDirection d) =>
        d == WireTargetDirection.Unspecified || !System.Enum.IsDefined(d) ? null : (DomainTargetDirection)(int)d;

    public static WireTargetDirection ToWire(DomainTargetDirection d) => (WireTargetDirection)(int)d;

    public static WireProgressStatus ToWire(DomainProgressStatus s) => (WireProgressStatus)(int)s;

    public static WireTarget ToWire(string orgUnitId, DomainTarget t) => new()
    {
        OrgUnitId = orgUnitId,
        Indicator = t.Indicator,
        Period = t.Period.ToString(),
        Value = Dec(t.Value),
        Unit = t.Unit,
        Direction = ToWire(t.Direction),
        Note = t.Note ?? string.Empty,
        SetBy = t.Actor,
        SetByName = t.ActorName,
        SetAt = Ts(t.At),
        RequestId = t.RequestId,
        Version = t.Version,
    };

    public static Contracts.V1.TargetRevision ToWire(Domain.TargetRevision r) => new()
    {
        Value = Dec(r.Value),
        Direction = ToWire(r.Direction),
        PreviousValue = r.Previous is { } p ? Dec(p) : string.Empty,
        Note = r.Note ?? string.Empty,
        Actor = r.Actor,
        ActorName = r.ActorName,
        At = Ts(r.At),
        RequestId = r.RequestId,
        Version = r.Version,
    };

    public static GetProgressResponse ToWire(ProgressAnswer answer)
    {
        var response = new GetProgressResponse
        {
            TownshipId = answer.TownshipId,
            Period = answer.Period.ToString(),
            AsOf = Date(answer.AsOf),
            ElapsedShare = Dec(answer.ElapsedShare),
            Version = answer.Version,
        };
        response.Progress.AddRange(answer.Items.Select(p => new Progress
        {
            Target = ToWire(p.OrgUnitId, p.Target),
            Actual = p.Actual is { } a ? Dec(a) : string.Empty,
            Unit = p.Target.Unit,
            ProgressRatio = p.Ratio is { } r ? Dec(r) : string.Empty,
            Status = ToWire(p.Status),
            AtLeast = p.AtLeast,
            Partial = p.Partial,
            RolledUp = p.RolledUp,
            FromPeriods = { p.From },
            VillagesReporting = p.VillagesReporting ?? 0,
        }));
        return response;
    }
}
