using Dongming.Contracts.V1;
using Dongming.Domain;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using DomainCaseSource = Dongming.Domain.CaseSource;
using DomainCaseStatus = Dongming.Domain.CaseStatus;
using DomainEnteredAt = Dongming.Domain.EnteredAt;
using DomainIndicatorKind = Dongming.Domain.IndicatorKind;
using DomainVillageKind = Dongming.Domain.VillageKind;
using WireCaseSource = Dongming.Contracts.V1.CaseSource;
using WireCaseStatus = Dongming.Contracts.V1.CaseStatus;
using WireEnteredAt = Dongming.Contracts.V1.EnteredAt;
using WireIndicatorKind = Dongming.Contracts.V1.IndicatorKind;
using WireVillageKind = Dongming.Contracts.V1.VillageKind;

namespace Dongming.Server.Services;

/// <summary>Translation between the wire (protobuf) and the grains' messages and domain types.</summary>
public static partial class Mappers
{
    /// <summary>The audit actor of a call: the token's subject and display name.</summary>
    public static Actor Actor(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var subject = user.FindFirst("sub")?.Value ?? user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "unknown";
            return new Actor(subject, user.FindFirst("name")?.Value ?? subject);
        }
        // The access interceptor admits no unauthenticated call to these services; never record an anonymous change.
        throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "a bearer token is required"));
    }

    /// <summary>
    /// The id that names the grain a call goes to: the one check a service makes before its grain call (the grain
    /// checks everything else). Malformed is INVALID_ARGUMENT naming <paramref name="field"/>.
    /// </summary>
    public static string Route(string id, string field)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, field, id);
        v.ThrowIfAny();
        return id;
    }

    /// <summary>A case id used to find the ledger holding the case (see <see cref="Route"/>).</summary>
    public static string RouteCase(string caseId)
    {
        var v = new Violations();
        CaseRules.CheckCaseId(v, caseId);
        v.ThrowIfAny();
        return caseId;
    }

    public static Timestamp Ts(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);

    public static string Dec(decimal value) => ExactDecimal.Format(value);

    public static string Date(DateOnly? date) => date is { } d ? CaseDates.Format(d) : string.Empty;

    public static string? Opt(string s) => string.IsNullOrEmpty(s) ? null : s;

    // ----- roster -----

    public static Village ToWire(VillageInfo v) => new()
    {
        VillageId = v.VillageId,
        Name = v.Name,
        Kind = ToWire(v.Kind),
        TownshipId = v.TownshipId,
        RetiredFrom = v.RetiredFrom ?? string.Empty,
        ActiveFrom = v.ActiveFrom ?? string.Empty,
    };

    public static Village ToWire(OrgUnitInfo u) => new()
    {
        VillageId = u.OrgUnitId,
        Name = u.Name,
        Kind = ToWire(u.Kind),
        TownshipId = u.TownshipId,
        RetiredFrom = u.RetiredFrom?.ToString() ?? string.Empty,
    };

    public static WireVillageKind ToWire(DomainVillageKind kind) => kind switch
    {
        DomainVillageKind.Gacha => WireVillageKind.Gacha,
        DomainVillageKind.Village => WireVillageKind.Village,
        _ => WireVillageKind.Unknown,
    };

    /// <summary>A wire kind as the domain's; UNSPECIFIED (or unknown) maps to a value the roster refuses.</summary>
    public static DomainVillageKind ToDomain(WireVillageKind kind) => kind switch
    {
        WireVillageKind.Gacha => DomainVillageKind.Gacha,
        WireVillageKind.Village => DomainVillageKind.Village,
        WireVillageKind.Unknown => DomainVillageKind.Unknown,
        _ => (DomainVillageKind)(-1),
    };

    public static Township ToWire(TownshipRoster t) => new()
    {
        TownshipId = t.Township.TownshipId,
        Name = t.Township.Name,
        StatisticalCode = t.Township.StatisticalCode,
        CodeSystem = t.Township.CodeSystem,
        VillageCount = t.VillageCount,
    };

    // ----- catalog -----

    public static Indicator ToWire(IndicatorDefinition d, IndicatorCatalog catalog)
    {
        var wire = new Indicator
        {
            Code = d.Code,
            NameZh = d.NameZh,
            NameEn = d.NameEn,
            Unit = d.Unit,
            Category = d.Category,
            Kind = d.Kind switch { DomainIndicatorKind.Stock => WireIndicatorKind.Stock, DomainIndicatorKind.Flow => WireIndicatorKind.Flow, _ => WireIndicatorKind.Ratio },
            EnteredAt = d.EnteredAt == DomainEnteredAt.Village ? WireEnteredAt.Village : WireEnteredAt.Township,
            PartOf = d.PartOf ?? string.Empty,
            Computed = catalog.IsComputed(d.Code),
        };
        wire.Parts.AddRange(catalog.PartsOf(d.Code));
        return wire;
    }

    public static IndicatorDefinition ToDomain(Indicator? i)
    {
        if (i is null) throw DomainException.Invalid("indicator", "is required");
        var v = new Violations();
        if (i.Kind == WireIndicatorKind.Unspecified || !System.Enum.IsDefined(i.Kind)) v.Add("indicator.kind", "is required: INDICATOR_KIND_STOCK, _FLOW or _RATIO");
        if (i.EnteredAt == WireEnteredAt.Unspecified || !System.Enum.IsDefined(i.EnteredAt)) v.Add("indicator.entered_at", "is required: ENTERED_AT_VILLAGE or ENTERED_AT_TOWNSHIP");
        v.ThrowIfAny();
        return new IndicatorDefinition(i.Code, i.NameZh, i.NameEn, i.Unit, i.Category,
            i.Kind switch { WireIndicatorKind.Stock => DomainIndicatorKind.Stock, WireIndicatorKind.Flow => DomainIndicatorKind.Flow, _ => DomainIndicatorKind.Ratio },
            i.EnteredAt == WireEnteredAt.Village ? DomainEnteredAt.Village : DomainEnteredAt.Township,
            Opt(i.PartOf));
    }

    public static CaseType ToWire(CaseTypeDefinition t) => new() { Code = t.Code, NameZh = t.NameZh, NameEn = t.NameEn };

    // ----- figures -----

    public static ReportedValue ToWire(ValueView v) => new()
    {
        Indicator = v.Indicator,
        Value = Dec(v.Figure.Value),
        Unit = v.Unit,
        ReportedBy = v.Figure.Actor,
        ReportedByName = v.Figure.ActorName,
        ReportedAt = Ts(v.Figure.At),
        Computed = v.Figure.Flags.HasFlag(FigureFlags.Computed),
        AtLeast = v.Figure.Flags.HasFlag(FigureFlags.AtLeast),
        Partial = v.Figure.Flags.HasFlag(FigureFlags.Partial),
        RolledUp = v.Figure.Flags.HasFlag(FigureFlags.RolledUp),
        FromPeriods = { v.Figure.From ?? [] },
    };

    public static Contracts.V1.ValueRevision ToWire(Domain.ValueRevision r) => new()
    {
        Value = r.Value is { } value ? Dec(value) : string.Empty,
        PreviousValue = r.Previous is { } p ? Dec(p) : string.Empty,
        Actor = r.Actor,
        ActorName = r.ActorName,
        At = Ts(r.At),
        RequestId = r.RequestId,
        Comment = r.Comment ?? string.Empty,
        Version = r.Version,
        AtLeast = r.AtLeast,
        Cleared = r.Value is null,
    };

    public static Total ToWire(TotalFigure t)
    {
        var total = new Total
        {
            Indicator = t.Indicator,
            Value = Dec(t.Value),
            VillagesReporting = t.VillagesReporting,
            Unit = t.Unit,
            Computed = t.Computed,
            AtLeast = t.AtLeast,
            PartialUnits = t.PartialUnits,
            FromPeriods = { t.From },
            RolledUpUnits = t.RolledUpUnits,
        };
        if (t.Compared is { } c)
        {
            total.ComparedValue = c.ComparedValue is { } v ? Dec(v) : string.Empty;
            total.Change = c.Change is { } change ? Dec(change) : string.Empty;
            total.ChangeRatio = c.ChangeRatio is { } ratio ? Dec(ratio) : string.Empty;
            total.ComparedAtLeast = c.ComparedAtLeast;
            total.RecordHigh = c.RecordHigh;
        }
        if (t.Breakdown is { } parts)
        {
            total.Breakdown.AddRange(parts.Select(b => new Contribution
            {
                OrgUnitId = b.OrgUnitId,
                Value = Dec(b.Value),
                AtLeast = b.Flags.HasFlag(FigureFlags.AtLeast),
                Partial = b.Flags.HasFlag(FigureFlags.Partial),
                RolledUp = b.Flags.HasFlag(FigureFlags.RolledUp),
            }));
        }
        return total;
    }

    // ----- cases -----

    public static WireCaseStatus ToWire(DomainCaseStatus s) => (WireCaseStatus)(int)s;

    public static DomainCaseStatus? ToDomain(WireCaseStatus s) => s == WireCaseStatus.Unspecified || !System.Enum.IsDefined(s) ? null : (DomainCaseStatus)(int)s;

    public static WireCaseSource ToWire(DomainCaseSource s) => (WireCaseSource)(int)s;

    public static DomainCaseSource ToDomain(WireCaseSource s) => System.Enum.IsDefined(s) ? (DomainCaseSource)(int)s : (DomainCaseSource)(-1);

    public static Case ToWire(RemediationCase c, DateOnly asOf)
    {
        var wire = new Case
        {
            CaseId = c.CaseId,
            VillageId = c.OrgUnitId,
            TownshipId = c.TownshipId,
            CaseType = c.CaseType,
            Batch = c.Batch ?? string.Empty,
            Title = c.Title,
            Description = c.Description ?? string.Empty,
            Status = ToWire(c.Status),
            Version = c.Version,
            OpenedOn = Date(c.OpenedOn),
            Deadline = Date(c.Deadline),
            ClosedOn = Date(c.ClosedOn),
            RectifiedOn = Date(c.RectifiedOn),
            Overdue = c.IsOverdue(asOf),
            OnTime = c.OnTime,
            AreaMu = c.AreaMu is { } a ? Dec(a) : string.Empty,
            Category = c.Category ?? string.Empty,
            Source = ToWire(c.Source),
            Assignee = c.Assignee ?? string.Empty,
            Repeat = c.Repeat,
            Returned = c.Returned,
            OpenedBy = c.OpenedBy,
            UpdatedAt = Ts(c.UpdatedAt),
            DeadlineExtensions = c.Extensions,
        };
        if (c.Location is { } l) wire.Location = new Location { Longitude = Dec(l.Longitude), Latitude = Dec(l.Latitude) };
        return wire;
    }

    public static Contracts.V1.CaseHistoryEntry ToWire(Domain.CaseHistoryEntry h) => new()
    {
        Event = h.Event,
        Status = ToWire(h.Status),
        FromStatus = h.From is { } f ? ToWire(f) : WireCaseStatus.Unspecified,
        Actor = h.Actor,
        ActorName = h.ActorName,
        At = Ts(h.At),
        Note = h.Note ?? string.Empty,
        RequestId = h.RequestId,
        EffectiveOn = Date(h.EffectiveOn),
        Version = h.Version,
        Changes = { h.Changes },
    };

    public static GetCaseSummaryResponse ToWire(CaseSummary s)
    {
        var response = new GetCaseSummaryResponse
        {
            ClosureRate = s.ClosureRate is { } c ? Dec(c) : string.Empty,
            OnTimeRate = s.OnTimeRate is { } o ? Dec(o) : string.Empty,
            Open = s.Open,
            Overdue = s.Overdue,
            AsOf = Date(s.AsOf),
            Total = s.Total,
            Closed = s.Closed,
            Transferred = s.Transferred,
            ClosedOnTime = s.ClosedOnTime,
            Completed = s.Completed,
            Rectified = s.Rectified,
            DueSoon = s.DueSoon,
            Extended = s.Extended,
            DueWithinDays = s.DueWithinDays,
        };
        response.Rows.AddRange(s.Rows.Select(r => new Contracts.V1.CaseSummaryRow
        {
            CaseType = r.CaseType,
            Batch = r.Batch ?? string.Empty,
            Status = ToWire(r.Status),
            Count = r.Count,
            Overdue = r.Overdue,
            ClosedOnTime = r.ClosedOnTime,
            DueSoon = r.DueSoon,
            Extended = r.Extended,
        }));
        response.Breakdown.AddRange(s.Breakdown.Select(u => new CaseSummaryVillage
        {
            OrgUnitId = u.OrgUnitId,
            Total = u.Total,
            Open = u.Open,
            Overdue = u.Overdue,
            Closed = u.Closed,
            ClosedOnTime = u.ClosedOnTime,
            DueSoon = u.DueSoon,
            Extended = u.Extended,
        }));
        return response;
    }
}
