using System.Globalization;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;
using Dongming.Reports;
using DomainDirection = Dongming.Domain.TargetDirection;
using ReviewDirection = Dongming.Reports.TargetDirection;

namespace Dongming.Grains.Review;

/// <summary>
/// What a review of a year is written from, read from a township's kept state in one step (README, "The work report"):
/// <list type="bullet">
/// <item>every township total of the year, with the org units it came from at the journal versions their parts
/// reflect, the year before's total and whether it is a record high;</item>
/// <item>approved: every org unit part of the figure is locked by an approved data set of a period containing the
/// year (a computed figure: each of its parts that the org unit holds);</item>
/// <item>failures: a rule in force that the township total of the year violates marks the first figure it names (the
/// amount of a per-capita bound, the total of an identity);</item>
/// <item>case counts by (type, batch, status) as the cases stood on the year's last day, with their holders;</item>
/// <item>the township's own targets of the next year.</item>
/// </list>
/// </summary>
public static class ReviewSources
{
    /// <summary>Checks the year a review is asked for.</summary>
    public static Period CheckYear(int year)
    {
        if (year is < Period.MinYear or >= Period.MaxYear)
            throw DomainException.Invalid("year", $"must be a year between {Period.MinYear} and {Period.MaxYear - 1}");
        return Period.Parse(year.ToString(CultureInfo.InvariantCulture), "year");
    }

    public static ReviewData Read(string townshipId, TownshipAggregate township, QualityCatalog quality, int year)
    {
        ArgumentNullException.ThrowIfNull(township);
        ArgumentNullException.ThrowIfNull(quality);
        var period = CheckYear(year);
        var catalog = quality.Indicators;
        var compare = period.YearBefore;
        var totals = township.Totals(new TotalsQuery(period, [], IncludeBreakdown: true, compare), catalog);
        var failures = Failures(townshipId, township, quality, period);

        var figures = new List<ReviewFigure>();
        foreach (var total in totals.Totals)
        {
            if (!catalog.TryGet(total.Indicator, out _)) continue;
            var parts = total.Breakdown ?? [];
            figures.Add(new ReviewFigure
            {
                Indicator = total.Indicator,
                Value = total.Value,
                Unit = total.Unit,
                LowerBound = total.AtLeast,
                VillagesReporting = total.VillagesReporting,
                Sources = [.. parts.OrderByDescending(p => p.Value).ThenBy(p => p.OrgUnitId, StringComparer.Ordinal)
                    .Select(p => new Reports.FigureSource(p.OrgUnitId, township.VersionOf(p.OrgUnitId)))],
                RecordHigh = total.Compared?.RecordHigh ?? false,
                PreviousValue = total.Compared?.ComparedValue,
                Approved = parts.Count > 0 && parts.All(p => township.Units.TryGetValue(p.OrgUnitId, out var unit) && IsLocked(unit, period, total.Indicator, catalog)),
                Failures = failures.GetValueOrDefault(total.Indicator) ?? [],
            });
        }

        var (cases, caseRows) = Cases(township, new DateOnly(year, 12, 31));
        var next = Period.Parse((year + 1).ToString(CultureInfo.InvariantCulture));
        var targets = year + 1 >= Period.MaxYear ? [] : township.Targets(new TargetQuery(next, townshipId)).Targets
            .Where(t => catalog.Contains(t.Target.Indicator))
            .OrderBy(t => t.Target.Indicator, StringComparer.Ordinal)
            .Select(t => new ReviewTarget
            {
                Indicator = t.Target.Indicator,
                Period = t.Target.Period.ToString(),
                Value = t.Target.Value,
                Direction = t.Target.Direction switch
                {
                    DomainDirection.AtMost => ReviewDirection.AtMost,
                    DomainDirection.Exactly => ReviewDirection.Exactly,
                    _ => ReviewDirection.AtLeast,
                },
                Note = t.Target.Note,
                Sources = [new Reports.FigureSource(t.OrgUnitId, township.VersionOf(t.OrgUnitId))],
            }).ToList();
        return new ReviewData(figures, cases, targets, caseRows, township.Version);
    }

    /// <summary>True when an org unit's part of a figure is locked by an approval (a computed one: every part it holds is).</summary>
    private static bool IsLocked(OrgUnitPart unit, Period period, string code, IndicatorCatalog catalog, int depth = 0)
    {
        if (catalog.IsComputed(code) && depth < 16)
        {
            var held = catalog.PartsOf(code).Where(p => unit.Figures.ContainsKey(FigureKey.Of(period, p))).ToList();
            return held.Count > 0 && held.All(p => IsLocked(unit, period, p, catalog, depth + 1));
        }
        return unit.Approvals.Values.Any(a => a.Locks(period, code));
    }

    /// <summary>The violations of the rules in force by the township total of the year, by the indicator each marks.</summary>
    private static Dictionary<string, List<RuleFailure>> Failures(string townshipId, TownshipAggregate township, QualityCatalog quality, Period period)
    {
        var run = TownshipQuality.Validate(townshipId, township, quality, new ValidationQuery(period, [townshipId], false));
        var byIndicator = new Dictionary<string, List<RuleFailure>>(StringComparer.Ordinal);
        foreach (var outcome in run.Violations.Where(o => o.OrgUnitId == townshipId).OrderBy(o => o.RuleCode, StringComparer.Ordinal))
        {
            if (quality.Rule(outcome.RuleCode) is not { } rule) continue;
            var failure = new RuleFailure(rule.Code, Message(rule.Rule, outcome));
            // The figure under test: the first the rule names (a per-capita bound's amount, an identity's total).
            if (rule.Compiled.Left.Indicators.Concat(rule.Compiled.Right.Indicators).FirstOrDefault() is not { } code) continue;
            if (!byIndicator.TryGetValue(code, out var list)) byIndicator[code] = list = [];
            list.Add(failure);
        }
        return byIndicator;
    }

    /// <summary>"人均养老金发放（pension_paid / pension_recipients）为 25367.54，应不大于 6000".</summary>
    private static string Message(ValidationRule rule, RuleOutcome outcome)
    {
        var op = rule.Operator switch
        {
            RuleOperator.Equal => "应等于",
            RuleOperator.NotEqual => "应不等于",
            RuleOperator.Less => "应小于",
            RuleOperator.LessOrEqual => "应不大于",
            RuleOperator.Greater => "应大于",
            RuleOperator.GreaterOrEqual => "应不小于",
            _ => "应约等于",
        };
        var tolerance = rule.Tolerance is { } t ? $"（容差 {ExactDecimal.Format(t)}）" : string.Empty;
        return $"{rule.NameZh}（{rule.Left}）为 {outcome.LeftValue ?? "—"}，{op} {outcome.RightValue ?? rule.Right}{tolerance}";
    }

    /// <summary>Case counts as the cases stood on <paramref name="asOf"/>, by (type, batch, status), with their holders.</summary>
    private static (List<ReviewCaseCount> Rows, Dictionary<string, int> CaseRows) Cases(TownshipAggregate township, DateOnly asOf)
    {
        var rows = new Dictionary<(string Type, string Batch, CaseStatus Status), CaseRow>();
        foreach (var (unitId, part) in township.Units)
        {
            foreach (var (caseId, tally) in part.Cases)
            {
                if (tally.On(asOf) is not { } t) continue;
                var key = (t.CaseType, t.Batch ?? string.Empty, t.Status);
                if (!rows.TryGetValue(key, out var row)) rows[key] = row = new CaseRow();
                row.Count++;
                if (t.OnTime) row.OnTime++;
                if (CaseLifecycle.IsOpen(t.Status) && t.Deadline < asOf) row.Overdue++;
                row.Units.Add(unitId);
                row.Ids.Add(caseId);
            }
        }
        var result = new List<ReviewCaseCount>();
        var caseRows = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var ((type, batch, status), row) in rows.OrderBy(r => r.Key.Type, StringComparer.Ordinal).ThenBy(r => r.Key.Batch, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            foreach (var id in row.Ids.Order(StringComparer.Ordinal)) caseRows[id] = result.Count;
            result.Add(new ReviewCaseCount
            {
                CaseType = type,
                Batch = batch.Length == 0 ? null : batch,
                Status = status,
                Count = row.Count,
                OnTime = row.OnTime,
                Overdue = row.Overdue,
                Sources = [.. row.Units.Select(u => new Reports.FigureSource(u, township.VersionOf(u)))],
            });
        }
        return (result, caseRows);
    }

    private sealed class CaseRow
    {
        public int Count;
        public int OnTime;
        public int Overdue;
        public readonly SortedSet<string> Units = new(StringComparer.Ordinal);
        public readonly List<string> Ids = [];
    }
}
