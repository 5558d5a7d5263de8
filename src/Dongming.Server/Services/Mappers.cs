using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains;
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
public static class Mappers
{
    public static Caller Caller(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var subject = user.FindFirst("sub")?.Value ?? user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "unknown";
            return new Caller(subject, user.FindFirst("name")?.Value ?? subject);
        }
        // The access interceptor admits no unauthenticated call to these services; never record an anonymous change.
        throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "a bearer token is required"));
    }

    public static Timestamp Ts(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);

    public static string Dec(decimal value) => ExactDecimal.Format(value);

    public static string Date(DateOnly? date) => date is { } d ? CaseDates.Format(d) : string.Empty;

    public static string? Opt(string s) => string.IsNullOrEmpty(s) ? null : s;

    // ----- roster -----

    public static Village ToWire(VillageInfo v) => new() { VillageId = v.VillageId, Name = v.Name, Kind = ToWire(v.Kind), TownshipId = v.TownshipId };

    public static WireVillageKind ToWire(DomainVillageKind kind) => kind switch
    {
        DomainVillageKind.Gacha => WireVillageKind.Gacha,
        DomainVillageKind.Village => WireVillageKind.Village,
        _ => WireVillageKind.Unknown,
    };

    public static DomainVillageKind ToDomain(WireVillageKind kind) => kind switch
    {
        WireVillageKind.Gacha => DomainVillageKind.Gacha,
        WireVillageKind.Village => DomainVillageKind.Village,
        WireVillageKind.Unknown => DomainVillageKind.Unknown,
        _ => throw DomainException.Invalid("kind", "is required: VILLAGE_KIND_GACHA, VILLAGE_KIND_VILLAGE or VILLAGE_KIND_UNKNOWN"),
    };

    public static Township ToWire(TownshipInfo t, int villages) => new()
    {
        TownshipId = t.TownshipId,
        Name = t.Name,
        StatisticalCode = t.StatisticalCode,
        CodeSystem = t.CodeSystem,
        VillageCount = villages,
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

    // ----- cases -----

    public static WireCaseStatus ToWire(DomainCaseStatus s) => (WireCaseStatus)(int)s;

    public static DomainCaseStatus? ToDomain(WireCaseStatus s) => s == WireCaseStatus.Unspecified || !System.Enum.IsDefined(s) ? null : (DomainCaseStatus)(int)s;

    public static WireCaseSource ToWire(DomainCaseSource s) => (WireCaseSource)(int)s;

    public static DomainCaseSource ToDomain(WireCaseSource s) => System.Enum.IsDefined(s) ? (DomainCaseSource)(int)s : (DomainCaseSource)(-1);

    public static Case ToWire(CaseData c, DateOnly asOf)
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
        };
        if (c.Longitude is { } lon && c.Latitude is { } lat) wire.Location = new Location { Longitude = Dec(lon), Latitude = Dec(lat) };
        return wire;
    }
}
