using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>What to validate of a township: one period, all its org units or some (the township id = its total).</summary>
public sealed record ValidationQuery(Period Period, IReadOnlyList<string> OrgUnitIds, bool IncludeSkipped)
{
    /// <summary>Most org units one run may name.</summary>
    public const int MaxOrgUnits = 1000;

    /// <summary>
    /// Validates a run: the period, and each org unit id well-formed, named once and an org unit of the township
    /// (<paramref name="isOrgUnit"/>; NOT_FOUND when unknown ids are the only problem).
    /// </summary>
    public static ValidationQuery Validate(string? period, IReadOnlyList<string> orgUnitIds, bool includeSkipped, Func<string, bool> isOrgUnit)
    {
        ArgumentNullException.ThrowIfNull(orgUnitIds);
        ArgumentNullException.ThrowIfNull(isOrgUnit);
        var v = new Violations();
        var p = Period.Parse(v, "period", period);
        if (orgUnitIds.Count > MaxOrgUnits) v.Add("org_unit_ids", $"must name at most {MaxOrgUnits} org units");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < orgUnitIds.Count && i < MaxOrgUnits; i++)
        {
            var field = $"org_unit_ids[{i}]";
            if (!Text.IsOrgUnitId(orgUnitIds[i])) Text.CheckOrgUnitId(v, field, orgUnitIds[i]);
            else if (!seen.Add(orgUnitIds[i])) v.Add(field, $"{orgUnitIds[i]} appears more than once");
            else if (!isOrgUnit(orgUnitIds[i])) v.AddUnknown(field, $"{orgUnitIds[i]} is not an org unit of the township");
        }
        v.ThrowIfAny();
        return new ValidationQuery(p!.Value, [.. seen], includeSkipped);
    }
}

/// <summary>
/// A validation run over a township's figures of one period: the violations (high importance first), the skipped
/// outcomes (listed only when asked for; always counted), the number passed, and the definitions of the rules the
/// listed outcomes refer to.
/// </summary>
public sealed record ValidationRun(
    string TownshipId, Period Period, IReadOnlyList<RuleOutcome> Violations, IReadOnlyList<RuleOutcome> Skipped, int SkippedCount, int Passed,
    IReadOnlyList<ValidationRule> Rules);

/// <summary>An outlier search as the caller sent it (decimals as text; empty: the default).</summary>
public sealed record OutlierCommand(string? Period, string? Indicator, OutlierMethod Method, string? Threshold, string? Min, string? Max, string? JumpFactor);

/// <summary>An outlier search that passed validation.</summary>
public sealed record OutlierQuery(Period Period, string? Indicator, OutlierMethod Method, decimal Threshold, decimal? Min, decimal? Max, decimal JumpFactor)
{
    /// <summary>Thresholds when none is given: the usual ones.</summary>
    public const decimal DefaultZThreshold = 3m, DefaultModifiedZThreshold = 3.5m, DefaultJumpFactor = 3m;

    /// <summary>
    /// Validates an outlier search: period; indicator (optional; in the catalog); the method and its parameters
    /// (<see cref="Outliers.CheckParameters"/>); the jump factor of the year-over-year check (<see cref="Outliers.CheckFactor"/>).
    /// </summary>
    public static OutlierQuery Validate(IndicatorCatalog catalog, OutlierCommand c)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(c);
        var v = new Violations();
        var period = Period.Parse(v, "period", c.Period);
        if (!string.IsNullOrEmpty(c.Indicator))
        {
            if (!Text.IsCode(c.Indicator)) v.Add("indicator", "is not a valid indicator code");
            else if (!catalog.Contains(c.Indicator)) v.AddUnknown("indicator", $"indicator {c.Indicator} is not in the catalog");
        }
        var threshold = string.IsNullOrEmpty(c.Threshold)
            ? (c.Method == OutlierMethod.ModifiedZScore ? DefaultModifiedZThreshold : DefaultZThreshold)
            : ExactDecimal.Parse(v, "threshold", c.Threshold);
        var min = string.IsNullOrEmpty(c.Min) ? null : ExactDecimal.Parse(v, "min", c.Min);
        var max = string.IsNullOrEmpty(c.Max) ? null : ExactDecimal.Parse(v, "max", c.Max);
        var factor = string.IsNullOrEmpty(c.JumpFactor) ? DefaultJumpFactor : ExactDecimal.Parse(v, "jump_factor", c.JumpFactor);
        // A value given but malformed is reported above; stand-ins keep the parameter checks from adding a second, wrong complaint.
        Outliers.CheckParameters(v, c.Method, threshold ?? 1, min ?? (string.IsNullOrEmpty(c.Min) ? null : decimal.MinValue),
            max ?? (string.IsNullOrEmpty(c.Max) ? null : decimal.MaxValue));
        if (factor is { } f) Outliers.CheckFactor(v, "jump_factor", f);
        v.ThrowIfAny();
        return new OutlierQuery(period!.Value, string.IsNullOrEmpty(c.Indicator) ? null : c.Indicator, c.Method, threshold!.Value, min, max, factor!.Value);
    }
}

/// <summary>The outliers of one indicator: across the township's villages, and against each village's earlier periods.</summary>
public sealed record IndicatorOutliers(string Indicator, OutlierResult AcrossVillages, OutlierResult OverTime);

/// <summary>An outlier search's answer, with the parameters used.</summary>
public sealed record TownshipOutliers(string TownshipId, Period Period, OutlierMethod Method, decimal Threshold, decimal? Min, decimal? Max, decimal JumpFactor,
    IReadOnlyList<IndicatorOutliers> Indicators);

/// <summary>One org unit's approval of a (data set, period): its status (open when nothing was ever submitted) and state.</summary>
public sealed record OrgUnitApproval(string OrgUnitId, ApprovalStatus Status, ApprovalState? State);

/// <summary>
/// Where the approval of a township's (data set, period) stands: the township's own approval, each expected village's
/// (as completeness counts them), the approvals of villages no longer or not yet expected, and whether the township's
/// figures are approved — its own approval stands and every expected village is approved: the state a report is
/// generated from.
/// </summary>
public sealed record TownshipApproval(
    string TownshipId, string DataSet, Period Period, OrgUnitApproval Township, IReadOnlyList<OrgUnitApproval> Villages, IReadOnlyList<OrgUnitApproval> NotExpected,
    int Expected, int VillagesApproved, bool AllVillagesApproved, bool Approved);

/// <summary>
/// The checks a township grain answers from what it keeps — every org unit's contribution for every period and the
/// township totals — without asking its villages: validation runs, outlier searches, completeness and approvals.
/// </summary>
public static class TownshipQuality
{
    /// <summary>Runs every rule in force on the villages' figures of the period and on the township total (or on the org units asked for).</summary>
    public static ValidationRun Validate(string townshipId, TownshipAggregate township, QualityCatalog quality, ValidationQuery query)
    {
        ArgumentNullException.ThrowIfNull(township);
        ArgumentNullException.ThrowIfNull(quality);
        ArgumentNullException.ThrowIfNull(query);
        var p = query.Period.ToString();
        var prefix = p + "|";
        var wanted = query.OrgUnitIds.Count == 0 ? null : query.OrgUnitIds.ToHashSet(StringComparer.Ordinal);
        var sets = new List<FigureSet>();
        foreach (var (id, part) in township.Units.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            if (part.Level != OrgUnitLevel.Village || (wanted is not null && !wanted.Contains(id))) continue;
            // A village with no figure of the period has nothing to check (every rule would only be skipped).
            if (wanted is null && !part.Figures.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))) continue;
            var figures = part.Figures;
            sets.Add(new FigureSet(id, FigureLevel.Village, query.Period, code => figures.TryGetValue(FigureKey.Of(p, code), out var f) ? f.Value : null));
        }
        if (wanted is null || wanted.Contains(townshipId))
            sets.Add(new FigureSet(townshipId, FigureLevel.TownshipTotal, query.Period, code => township.TotalOf(p, code, quality.Indicators)));
        var result = ValidationRules.Run(quality.Rules.Select(r => r.Compiled), sets);
        var skipped = query.IncludeSkipped ? result.Skipped : [];
        var rules = result.Violations.Concat(skipped).Select(o => o.RuleCode).Distinct(StringComparer.Ordinal)
            .Select(code => quality.Rule(code)!.Rule).OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
        return new ValidationRun(townshipId, query.Period, result.Violations, skipped, result.Skipped.Count, result.Passed, rules);
    }

    /// <summary>
    /// The outliers of one indicator (or, without one, of every indicator the villages hold for the period, keeping only
    /// those where something stands out): across the villages by the query's method, and year over year per village.
    /// </summary>
    public static TownshipOutliers FindOutliers(string townshipId, TownshipAggregate township, OutlierQuery query)
    {
        ArgumentNullException.ThrowIfNull(township);
        ArgumentNullException.ThrowIfNull(query);
        var period = query.Period;
        var p = period.ToString();
        var villages = township.Units.Where(u => u.Value.Level == OrgUnitLevel.Village).OrderBy(u => u.Key, StringComparer.Ordinal).ToList();
        // Per village, its values of periods of the same kind, by indicator (the year-over-year check reads them).
        var histories = villages.ToDictionary(u => u.Key, u =>
        {
            var byIndicator = new Dictionary<string, List<PeriodValue>>(StringComparer.Ordinal);
            foreach (var (key, figure) in u.Value.Figures)
            {
                var (at, code) = FigureKey.Split(key);
                if (!Period.TryParse(at, out var other) || other.Kind != period.Kind || other.Year >= period.Year) continue;
                if (!byIndicator.TryGetValue(code, out var list)) byIndicator[code] = list = [];
                list.Add(new PeriodValue(other, figure.Value));
            }
            return byIndicator;
        }, StringComparer.Ordinal);
        IEnumerable<string> codes = query.Indicator is { } one
            ? [one]
            : villages.SelectMany(u => u.Value.Figures.Keys).Select(FigureKey.Split).Where(k => k.Period == p).Select(k => k.Indicator)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var found = new List<IndicatorOutliers>();
        foreach (var code in codes)
        {
            var key = FigureKey.Of(p, code);
            decimal? ValueOf(OrgUnitPart part) => part.Figures.TryGetValue(key, out var f) ? f.Value : null;
            var across = Outliers.AcrossVillages([.. villages.Select(u => new OrgUnitValue(u.Key, ValueOf(u.Value)))], query.Method, query.Threshold, query.Min, query.Max);
            var overTime = Outliers.OverTime(period,
                [.. villages.Select(u => new VillageHistory(u.Key, ValueOf(u.Value), histories[u.Key].GetValueOrDefault(code) ?? []))], query.JumpFactor);
            if (query.Indicator is not null || across.Outliers.Count > 0 || overTime.Outliers.Count > 0)
                found.Add(new IndicatorOutliers(code, across, overTime));
        }
        return new TownshipOutliers(townshipId, period, query.Method, query.Threshold, query.Min, query.Max, query.JumpFactor, found);
    }

    /// <summary>A village of the roster with the range of periods it exists in.</summary>
    public static RosterVillage ToRoster(VillageInfo village)
    {
        ArgumentNullException.ThrowIfNull(village);
        return new RosterVillage(village.VillageId,
            string.IsNullOrEmpty(village.ActiveFrom) ? null : Period.Parse(village.ActiveFrom),
            string.IsNullOrEmpty(village.RetiredFrom) ? null : Period.Parse(village.RetiredFrom));
    }

    /// <summary>
    /// Validates a completeness or approval read: the data set (defined for the township; NOT_FOUND otherwise) and a
    /// period of its kind.
    /// </summary>
    /// <remarks>With <paramref name="orgUnitId"/> (an approval read of one org unit): it must be an org unit of the township (<paramref name="isOrgUnit"/>).</remarks>
    public static Period ValidateDataSetPeriod(string? dataSet, string? period, DataSetDefinition? found, string townshipId, string? orgUnitId = null, Func<string, bool>? isOrgUnit = null)
    {
        var v = new Violations();
        Text.CheckCode(v, "data_set", dataSet);
        var p = Period.Parse(v, "period", period);
        if (Text.IsCode(dataSet) && found is null) v.AddUnknown("data_set", $"data set {dataSet} is not defined for township {townshipId}");
        if (found is not null && p is { } at) Period.CheckKind(v, "period", at, found.DataSet.PeriodKind, found.DataSet.Code);
        if (orgUnitId is not null)
        {
            if (!Text.IsOrgUnitId(orgUnitId)) Text.CheckOrgUnitId(v, "org_unit_id", orgUnitId);
            else if (isOrgUnit is not null && !isOrgUnit(orgUnitId)) v.AddUnknown("org_unit_id", $"{orgUnitId} is not an org unit of township {townshipId}");
        }
        v.ThrowIfAny();
        return p!.Value;
    }

    /// <summary>
    /// Completeness and timeliness of a data set's period from the kept contributions: a village holds an indicator when
    /// it has a value for the whole period (<see cref="Completeness.Holds"/>), first held at the figure's
    /// <see cref="Contributed.Since"/>.
    /// </summary>
    public static CompletenessResult Completeness(TownshipAggregate township, IndicatorCatalog catalog, DataSet dataSet, Period period, IReadOnlyList<VillageInfo> roster)
    {
        ArgumentNullException.ThrowIfNull(township);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(roster);
        var p = period.ToString();
        var held = new List<HeldValue>();
        foreach (var (id, part) in township.Units)
        {
            if (part.Level != OrgUnitLevel.Village) continue;
            foreach (var code in dataSet.Indicators)
            {
                if (part.Figures.TryGetValue(FigureKey.Of(p, code), out var f) && catalog.TryGet(code, out var indicator) && Quality.Completeness.Holds(period, f, indicator.Kind))
                    held.Add(new HeldValue(id, code, f.Since));
            }
        }
        return Quality.Completeness.Compute(dataSet, period, [.. roster.Select(ToRoster)], held);
    }

    /// <summary>
    /// The approval of a data set's period across the township: the township's own, each expected village's (open where
    /// nothing was submitted), and whether the township's figures stand approved. With <paramref name="orgUnitId"/>, the
    /// village lists hold only that org unit.
    /// </summary>
    public static TownshipApproval Approval(string townshipId, TownshipAggregate township, DataSet dataSet, Period period, IReadOnlyList<VillageInfo> roster, string? orgUnitId = null)
    {
        ArgumentNullException.ThrowIfNull(township);
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(roster);
        var key = ApprovalState.KeyOf(dataSet.Code, period.ToString());
        var expected = Quality.Completeness.ExpectedVillages(dataSet, period, [.. roster.Select(ToRoster)]);
        OrgUnitApproval Of(string id) => township.Units.TryGetValue(id, out var part) && part.Approvals.TryGetValue(key, out var state)
            ? new OrgUnitApproval(id, state.Status, state)
            : new OrgUnitApproval(id, ApprovalStatus.Open, null);
        var villages = expected.Select(Of).ToList();
        var notExpected = township.Units.Where(u => u.Value.Level == OrgUnitLevel.Village && !expected.Contains(u.Key) && u.Value.Approvals.ContainsKey(key))
            .OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => Of(u.Key)).ToList();
        var own = Of(townshipId);
        var approved = villages.Count(a => a.Status == ApprovalStatus.Approved);
        var all = approved == villages.Count;
        bool Wanted(OrgUnitApproval a) => orgUnitId is null || a.OrgUnitId == orgUnitId;
        return new TownshipApproval(townshipId, dataSet.Code, period, own, [.. villages.Where(Wanted)], [.. notExpected.Where(Wanted)],
            villages.Count, approved, all, all && own.Status == ApprovalStatus.Approved);
    }

    /// <summary>
    /// The warnings a village's report is answered with: the village-scope rules that name a reported indicator (or a
    /// computed indicator it is a part of) and that its figures of the period, after the report, break.
    /// </summary>
    public static IReadOnlyList<ValidationWarning> Warnings(QualityCatalog quality, string orgUnitId, Period period, IEnumerable<string> reported, Func<string, decimal?> values)
    {
        ArgumentNullException.ThrowIfNull(quality);
        ArgumentNullException.ThrowIfNull(reported);
        var codes = reported.SelectMany(c => quality.Indicators.AncestorsOf(c).Prepend(c)).Distinct(StringComparer.Ordinal).ToList();
        var rules = quality.RulesNaming(codes).Select(r => r.Compiled).Where(r => r.AppliesTo(FigureLevel.Village, period)).ToList();
        if (rules.Count == 0) return [];
        var result = ValidationRules.Run(rules, [new FigureSet(orgUnitId, FigureLevel.Village, period, values)]);
        return [.. result.Violations.Select(o => Warning(o, quality.Rule(o.RuleCode)!.Rule))];
    }

    /// <summary>A violation as a warning (importance and operator as text, values rounded for display).</summary>
    public static ValidationWarning Warning(RuleOutcome outcome, ValidationRule rule)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(rule);
        return new ValidationWarning(outcome.RuleCode, rule.NameZh, outcome.Importance.ToString().ToLowerInvariant(), rule.Left, ValidationRules.Symbol(outcome.Operator),
            rule.Right, outcome.LeftValue, outcome.RightValue, rule.Description);
    }
}
