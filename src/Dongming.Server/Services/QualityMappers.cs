using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Quality;
using DomainApprovalAction = Dongming.Domain.ApprovalAction;
using DomainApprovalStatus = Dongming.Domain.ApprovalStatus;
using DomainDataSet = Dongming.Quality.DataSet;
using DomainImportance = Dongming.Quality.Importance;
using DomainOutlierMethod = Dongming.Quality.OutlierMethod;
using DomainRuleOperator = Dongming.Quality.RuleOperator;
using DomainRuleScope = Dongming.Quality.RuleScope;
using DomainValidationWarning = Dongming.Domain.ValidationWarning;
using WireApprovalAction = Dongming.Contracts.V1.ApprovalAction;
using WireApprovalStatus = Dongming.Contracts.V1.ApprovalStatus;
using WireDataSet = Dongming.Contracts.V1.DataSet;
using WireImportance = Dongming.Contracts.V1.Importance;
using WireOutlierMethod = Dongming.Contracts.V1.OutlierMethod;
using WireRuleOperator = Dongming.Contracts.V1.RuleOperator;
using WireRuleScope = Dongming.Contracts.V1.RuleScope;
using WireValidationRule = Dongming.Contracts.V1.ValidationRule;
using WireValidationWarning = Dongming.Contracts.V1.ValidationWarning;

namespace Dongming.Server.Services;

/// <summary>
/// Translation between the wire and the quality library's and approvals' types. An UNSPECIFIED enum maps to a value
/// the domain refuses (so the grain names the field), never to a silent default.
/// </summary>
public static class QualityMappers
{
    private const int Undefined = -1;

    // ----- enums -----

    public static DomainRuleOperator ToDomain(WireRuleOperator op) => op switch
    {
        WireRuleOperator.Equal => DomainRuleOperator.Equal,
        WireRuleOperator.NotEqual => DomainRuleOperator.NotEqual,
        WireRuleOperator.Less => DomainRuleOperator.Less,
        WireRuleOperator.LessOrEqual => DomainRuleOperator.LessOrEqual,
        WireRuleOperator.Greater => DomainRuleOperator.Greater,
        WireRuleOperator.GreaterOrEqual => DomainRuleOperator.GreaterOrEqual,
        WireRuleOperator.EqualWithin => DomainRuleOperator.EqualWithin,
        _ => (DomainRuleOperator)Undefined,
    };

    public static WireRuleOperator ToWire(DomainRuleOperator op) => op switch
    {
        DomainRuleOperator.Equal => WireRuleOperator.Equal,
        DomainRuleOperator.NotEqual => WireRuleOperator.NotEqual,
        DomainRuleOperator.Less => WireRuleOperator.Less,
        DomainRuleOperator.LessOrEqual => WireRuleOperator.LessOrEqual,
        DomainRuleOperator.Greater => WireRuleOperator.Greater,
        DomainRuleOperator.GreaterOrEqual => WireRuleOperator.GreaterOrEqual,
        _ => WireRuleOperator.EqualWithin,
    };

    /// <summary>An operator as a warning keeps it (its symbol, src/Dongming.Quality/ValidationRules.cs Symbol).</summary>
    public static WireRuleOperator OperatorOfSymbol(string symbol) => symbol switch
    {
        "==" => WireRuleOperator.Equal,
        "!=" => WireRuleOperator.NotEqual,
        "<" => WireRuleOperator.Less,
        "<=" => WireRuleOperator.LessOrEqual,
        ">" => WireRuleOperator.Greater,
        ">=" => WireRuleOperator.GreaterOrEqual,
        "≈" => WireRuleOperator.EqualWithin,
        _ => WireRuleOperator.Unspecified,
    };

    public static DomainImportance ToDomain(WireImportance i) => i switch
    {
        WireImportance.High => DomainImportance.High,
        WireImportance.Medium => DomainImportance.Medium,
        WireImportance.Low => DomainImportance.Low,
        _ => (DomainImportance)Undefined,
    };

    public static WireImportance ToWire(DomainImportance i) => i switch
    {
        DomainImportance.High => WireImportance.High,
        DomainImportance.Medium => WireImportance.Medium,
        _ => WireImportance.Low,
    };

    /// <summary>An importance as a warning keeps it ("high", "medium", "low").</summary>
    public static WireImportance ImportanceOf(string name) =>
        Enum.TryParse<DomainImportance>(name, ignoreCase: true, out var i) && Enum.IsDefined(i) ? ToWire(i) : WireImportance.Unspecified;

    public static DomainRuleScope ToDomain(WireRuleScope s) => s switch
    {
        WireRuleScope.EachVillage => DomainRuleScope.EachVillage,
        WireRuleScope.TownshipTotal => DomainRuleScope.TownshipTotal,
        WireRuleScope.Both => DomainRuleScope.Both,
        _ => (DomainRuleScope)Undefined,
    };

    public static WireRuleScope ToWire(DomainRuleScope s) => s switch
    {
        DomainRuleScope.EachVillage => WireRuleScope.EachVillage,
        DomainRuleScope.TownshipTotal => WireRuleScope.TownshipTotal,
        _ => WireRuleScope.Both,
    };

    /// <summary>A rule's period type: UNSPECIFIED is every period (null).</summary>
    public static PeriodKind? RulePeriod(PeriodType t) => t switch
    {
        PeriodType.Unspecified => null,
        PeriodType.Year => PeriodKind.Year,
        PeriodType.Quarter => PeriodKind.Quarter,
        PeriodType.Month => PeriodKind.Month,
        _ => (PeriodKind)Undefined,
    };

    /// <summary>A data set's period type: UNSPECIFIED is refused.</summary>
    public static PeriodKind DataSetPeriod(PeriodType t) => RulePeriod(t) ?? (PeriodKind)Undefined;

    public static PeriodType ToWire(PeriodKind? k) => k switch
    {
        PeriodKind.Year => PeriodType.Year,
        PeriodKind.Quarter => PeriodType.Quarter,
        PeriodKind.Month => PeriodType.Month,
        _ => PeriodType.Unspecified,
    };

    public static DomainOutlierMethod ToDomain(WireOutlierMethod m) => m switch
    {
        WireOutlierMethod.ZScore => DomainOutlierMethod.ZScore,
        WireOutlierMethod.ModifiedZScore => DomainOutlierMethod.ModifiedZScore,
        WireOutlierMethod.MinMax => DomainOutlierMethod.MinMax,
        _ => (DomainOutlierMethod)Undefined,
    };

    public static WireOutlierMethod ToWire(DomainOutlierMethod m) => m switch
    {
        DomainOutlierMethod.ZScore => WireOutlierMethod.ZScore,
        DomainOutlierMethod.ModifiedZScore => WireOutlierMethod.ModifiedZScore,
        _ => WireOutlierMethod.MinMax,
    };

    public static WireApprovalStatus ToWire(DomainApprovalStatus s) => s switch
    {
        DomainApprovalStatus.Open => WireApprovalStatus.Open,
        DomainApprovalStatus.Submitted => WireApprovalStatus.Submitted,
        DomainApprovalStatus.Approved => WireApprovalStatus.Approved,
        _ => WireApprovalStatus.Rejected,
    };

    public static WireApprovalAction ToWire(DomainApprovalAction a) => a switch
    {
        DomainApprovalAction.Submit => WireApprovalAction.Submit,
        DomainApprovalAction.Approve => WireApprovalAction.Approve,
        DomainApprovalAction.Reject => WireApprovalAction.Reject,
        _ => WireApprovalAction.Unapprove,
    };

    // ----- rules -----

    public static RuleDraft ToDomain(WireValidationRule? r)
    {
        if (r is null) throw DomainException.Invalid("rule", "is required");
        return new RuleDraft(r.Code, r.NameZh, r.Left, ToDomain(r.Operator), r.Right, Mappers.Opt(r.Tolerance), ToDomain(r.Importance), RulePeriod(r.PeriodType),
            ToDomain(r.Scope), Mappers.Opt(r.Description));
    }

    public static WireValidationRule ToWire(CatalogRule c)
    {
        var r = c.Rule;
        var wire = new WireValidationRule
        {
            Code = r.Code,
            NameZh = r.NameZh,
            Left = r.Left,
            Operator = ToWire(r.Operator),
            Right = r.Right,
            Tolerance = r.Tolerance is { } t ? Mappers.Dec(t) : string.Empty,
            Importance = ToWire(r.Importance),
            PeriodType = ToWire(r.PeriodKind),
            Scope = ToWire(r.Scope),
            Description = r.Description ?? string.Empty,
            Source = c.Source switch { Quality.RuleSource.BuiltIn => Contracts.V1.RuleSource.BuiltIn, Quality.RuleSource.Defined => Contracts.V1.RuleSource.Defined, _ => Contracts.V1.RuleSource.Redefined },
            DefinedBy = c.Definition?.DefinedBy ?? string.Empty,
            DefinedByName = c.Definition?.DefinedByName ?? string.Empty,
        };
        if (c.Definition is { } d) wire.DefinedAt = Mappers.Ts(d.DefinedAt);
        return wire;
    }

    public static RunValidationResponse ToWire(ValidationRun run)
    {
        var rules = run.Rules.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var response = new RunValidationResponse
        {
            TownshipId = run.TownshipId,
            Period = run.Period.ToString(),
            Passed = run.Passed,
            SkippedCount = run.SkippedCount,
        };
        response.Violations.AddRange(run.Violations.Select(o =>
        {
            var rule = rules[o.RuleCode];
            return new RuleViolation
            {
                Rule = o.RuleCode,
                RuleName = rule.NameZh,
                OrgUnitId = o.OrgUnitId,
                TownshipTotal = o.Level == FigureLevel.TownshipTotal,
                Period = o.Period.ToString(),
                LeftValue = o.LeftValue ?? string.Empty,
                RightValue = o.RightValue ?? string.Empty,
                Operator = ToWire(o.Operator),
                Importance = ToWire(o.Importance),
                Left = rule.Left,
                Right = rule.Right,
                Description = rule.Description ?? string.Empty,
                LeftExact = o.LeftExact?.ToString() ?? string.Empty,
                RightExact = o.RightExact?.ToString() ?? string.Empty,
            };
        }));
        response.Skipped.AddRange(run.Skipped.Select(o => new RuleSkipped
        {
            Rule = o.RuleCode,
            OrgUnitId = o.OrgUnitId,
            TownshipTotal = o.Level == FigureLevel.TownshipTotal,
            Reason = o.SkipReason ?? string.Empty,
        }));
        return response;
    }

    public static WireValidationWarning ToWire(DomainValidationWarning w) => new()
    {
        Rule = w.Rule,
        RuleName = w.Name,
        Importance = ImportanceOf(w.Importance),
        Left = w.Left,
        Operator = OperatorOfSymbol(w.Operator),
        Right = w.Right,
        LeftValue = w.LeftValue ?? string.Empty,
        RightValue = w.RightValue ?? string.Empty,
        Description = w.Description ?? string.Empty,
    };

    // ----- outliers -----

    public static OutlierCommand ToDomain(FindOutliersRequest r) =>
        new(r.Period, Mappers.Opt(r.Indicator), ToDomain(r.Method), Mappers.Opt(r.Threshold), Mappers.Opt(r.Min), Mappers.Opt(r.Max), Mappers.Opt(r.JumpFactor));

    public static FindOutliersResponse ToWire(TownshipOutliers o)
    {
        var response = new FindOutliersResponse
        {
            TownshipId = o.TownshipId,
            Period = o.Period.ToString(),
            Method = ToWire(o.Method),
            Threshold = Mappers.Dec(o.Threshold),
            JumpFactor = Mappers.Dec(o.JumpFactor),
            Min = o.Min is { } min ? Mappers.Dec(min) : string.Empty,
            Max = o.Max is { } max ? Mappers.Dec(max) : string.Empty,
        };
        response.Indicators.AddRange(o.Indicators.Select(i => new Contracts.V1.IndicatorOutliers
        {
            Indicator = i.Indicator,
            AcrossVillages = ToWire(i.AcrossVillages),
            OverTime = ToWire(i.OverTime),
        }));
        return response;
    }

    private static OutlierSearch ToWire(OutlierResult r)
    {
        var search = new OutlierSearch
        {
            ValuesJudged = r.ValuesJudged,
            Centre = r.Centre ?? string.Empty,
            Spread = r.Spread ?? string.Empty,
            LowerBound = r.LowerBound ?? string.Empty,
            UpperBound = r.UpperBound ?? string.Empty,
            NoOutliersReason = r.NoOutliersReason ?? string.Empty,
        };
        search.Outliers.AddRange(r.Outliers.Select(x => new OutlierValue
        {
            OrgUnitId = x.OrgUnitId,
            Value = Mappers.Dec(x.Value),
            Statistic = Mappers.Dec(x.Statistic),
            LowerBound = x.LowerBound,
            UpperBound = x.UpperBound,
            BasePeriod = x.BasePeriod?.ToString() ?? string.Empty,
            BaseValue = x.BaseValue is { } b ? Mappers.Dec(b) : string.Empty,
        }));
        search.NotChecked.AddRange(r.NotChecked.Select(n => new OutlierNotChecked { OrgUnitId = n.OrgUnitId, Reason = n.Reason }));
        return search;
    }

    // ----- data sets and completeness -----

    public static DomainDataSet ToDomain(WireDataSet? d)
    {
        if (d is null) throw DomainException.Invalid("data_set", "is required");
        return new DomainDataSet(d.Code, d.NameZh, DataSetPeriod(d.PeriodType), [.. d.Indicators], d.OrgUnitIds.Count == 0 ? null : [.. d.OrgUnitIds], d.DueDays);
    }

    public static WireDataSet ToWire(DataSetDefinition d) => new()
    {
        TownshipId = d.TownshipId,
        Code = d.DataSet.Code,
        NameZh = d.DataSet.NameZh,
        PeriodType = ToWire(d.DataSet.PeriodKind),
        Indicators = { d.DataSet.Indicators },
        OrgUnitIds = { d.DataSet.OrgUnitIds ?? [] },
        DueDays = d.DataSet.DueDays,
        DefinedBy = d.DefinedBy,
        DefinedByName = d.DefinedByName,
        DefinedAt = Mappers.Ts(d.DefinedAt),
    };

    public static GetCompletenessResponse ToWire(string townshipId, CompletenessResult c)
    {
        var response = new GetCompletenessResponse
        {
            TownshipId = townshipId,
            DataSet = c.DataSet,
            Period = c.Period.ToString(),
            DueDate = CaseDates.Format(c.DueDate),
            Expected = c.Expected,
            Reported = c.Reported,
            ReportedOnTime = c.ReportedOnTime,
            Rate = c.Rate is { } rate ? Mappers.Dec(rate) : string.Empty,
            OnTimeRate = c.OnTimeRate is { } onTime ? Mappers.Dec(onTime) : string.Empty,
        };
        var villages = new List<VillageReport>();
        villages.AddRange((c.OnTime ?? []).Select(id => new VillageReport { VillageId = id, State = ReportState.OnTime }));
        villages.AddRange(c.Late.Select(l => new VillageReport { VillageId = l.VillageId, State = ReportState.Late, CompletedAt = Mappers.Ts(l.CompletedAt), DaysLate = l.DaysLate }));
        villages.AddRange(c.Partial.Select(p => new VillageReport { VillageId = p.VillageId, State = ReportState.Partial, MissingIndicators = { p.MissingIndicators } }));
        villages.AddRange(c.Missing.Select(id => new VillageReport { VillageId = id, State = ReportState.Missing }));
        response.Villages.AddRange(villages.OrderBy(v => v.VillageId, StringComparer.Ordinal));
        response.NotExpected.AddRange(c.NotExpected.Select(n => new NotExpectedReport { VillageId = n.VillageId, Reason = n.Reason, Indicators = { n.Indicators } }));
        return response;
    }

    // ----- approvals -----

    public static ApprovalCommand ToDomain(DomainApprovalAction action, string orgUnitId, string dataSet, string period, string requestId, string reason) =>
        new(action, orgUnitId, Mappers.Opt(dataSet), Mappers.Opt(period), requestId, Mappers.Opt(reason));

    public static Approval ToWire(string orgUnitId, ApprovalState s) => new()
    {
        OrgUnitId = orgUnitId,
        DataSet = s.DataSet,
        Period = s.Period,
        Status = ToWire(s.Status),
        LockedIndicators = { s.LockedIndicators },
        History =
        {
            s.History.Select(h => new Contracts.V1.ApprovalStep
            {
                Action = ToWire(h.Action),
                FromStatus = ToWire(h.From),
                ToStatus = ToWire(h.To),
                Actor = h.Actor,
                ActorName = h.ActorName,
                At = Mappers.Ts(h.At),
                Reason = h.Reason ?? string.Empty,
                RequestId = h.RequestId,
            }),
        },
    };

    private static Approval ToWire(OrgUnitApproval a, string dataSet, string period) =>
        a.State is { } s ? ToWire(a.OrgUnitId, s) : new Approval { OrgUnitId = a.OrgUnitId, DataSet = dataSet, Period = period, Status = WireApprovalStatus.Open };

    public static GetApprovalStatusResponse ToWire(TownshipApproval t)
    {
        var period = t.Period.ToString();
        return new GetApprovalStatusResponse
        {
            TownshipId = t.TownshipId,
            DataSet = t.DataSet,
            Period = period,
            Township = ToWire(t.Township, t.DataSet, period),
            Villages = { t.Villages.Select(v => ToWire(v, t.DataSet, period)) },
            NotExpected = { t.NotExpected.Select(v => ToWire(v, t.DataSet, period)) },
            Expected = t.Expected,
            VillagesApproved = t.VillagesApproved,
            AllVillagesApproved = t.AllVillagesApproved,
            Approved = t.Approved,
        };
    }
}
