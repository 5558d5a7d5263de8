using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>How the two sides of a validation rule must compare.</summary>
public enum RuleOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,

    /// <summary>
    /// |left − right| ≤ tolerance: for identities one side of which is rounded, such as a coverage entered as
    /// 96.94% against screened ÷ target group (tolerance 0.00005, half of the last place shown).
    /// </summary>
    EqualWithin,
}

/// <summary>How much a violation matters; violations are listed high first.</summary>
public enum Importance
{
    High,
    Medium,
    Low,
}

/// <summary>Where a rule is checked.</summary>
public enum RuleScope
{
    /// <summary>Each village's own figures.</summary>
    EachVillage,

    /// <summary>The township total (its own entries plus the sum of its villages).</summary>
    TownshipTotal,

    /// <summary>Both.</summary>
    Both,
}

/// <summary>
/// A validation rule (校验规则) as defined: <c>left operator right</c> over indicator expressions, kept as the
/// text the definer wrote. Catalog data: a clerk changes a rule (a plausibility bound, say) by defining it
/// again under the same code.
/// </summary>
/// <param name="Tolerance">Only with <see cref="RuleOperator.EqualWithin"/>: the largest difference allowed.</param>
/// <param name="PeriodKind">Checked only for periods of this kind (per-capita bounds are yearly); null: every period.</param>
/// <param name="Description">Why the rule exists and where its numbers come from (shown with a violation).</param>
public sealed record ValidationRule(
    string Code,
    string NameZh,
    string Left,
    RuleOperator Operator,
    string Right,
    decimal? Tolerance,
    Importance Importance,
    PeriodKind? PeriodKind,
    RuleScope Scope,
    string? Description = null);

/// <summary>A rule as a caller defines it: <see cref="ValidationRule"/> with its tolerance as the decimal text sent.</summary>
public sealed record RuleDraft(
    string Code,
    string NameZh,
    string Left,
    RuleOperator Operator,
    string Right,
    string? Tolerance,
    Importance Importance,
    PeriodKind? PeriodKind,
    RuleScope Scope,
    string? Description);

/// <summary>A rule whose sides have been parsed against the catalog: the form the evaluator runs.</summary>
public sealed record CompiledRule(ValidationRule Rule, Expression Left, Expression Right)
{
    public string Code => Rule.Code;

    /// <summary>True when the rule is checked for figures of <paramref name="level"/> and <paramref name="period"/>.</summary>
    public bool AppliesTo(FigureLevel level, Period period) =>
        (Rule.PeriodKind is null || Rule.PeriodKind == period.Kind) &&
        Rule.Scope switch
        {
            RuleScope.EachVillage => level == FigureLevel.Village,
            RuleScope.TownshipTotal => level == FigureLevel.TownshipTotal,
            _ => true,
        };
}

/// <summary>Whose figures a set of values is.</summary>
public enum FigureLevel
{
    /// <summary>One village's own figures.</summary>
    Village,

    /// <summary>A township total: the township's own entries plus the sum of its villages.</summary>
    TownshipTotal,
}

/// <summary>
/// The figures of one org unit for one period, as a lookup: indicator code → value, null where none is held
/// (never 0 for "not reported": a missing value skips the rules that need it).
/// </summary>
public sealed record FigureSet(string OrgUnitId, FigureLevel Level, Period Period, Func<string, decimal?> Values)
{
    /// <summary>A set over a dictionary of the values held.</summary>
    public static FigureSet Of(string orgUnitId, FigureLevel level, Period period, IReadOnlyDictionary<string, decimal> values) =>
        new(orgUnitId, level, period, code => values.TryGetValue(code, out var v) ? v : null);
}

/// <summary>What checking a rule on one org unit's figures of one period came to.</summary>
public enum RuleStatus
{
    Passed,
    Violated,

    /// <summary>Not decidable: an operand has no value or a divisor is 0. Never counted as a violation.</summary>
    Skipped,
}

/// <summary>
/// The outcome for one (rule, org unit, period). Values are exact (<see cref="LeftExact"/>,
/// <see cref="RightExact"/>); <see cref="LeftValue"/> and <see cref="RightValue"/> show them rounded to
/// <see cref="ValidationRules.DisplayDecimals"/> places, half away from zero.
/// </summary>
public sealed record RuleOutcome(
    string RuleCode,
    string OrgUnitId,
    FigureLevel Level,
    Period Period,
    RuleStatus Status,
    RuleOperator Operator,
    Importance Importance,
    Rational? LeftExact,
    Rational? RightExact,
    string? SkipReason)
{
    public string? LeftValue => LeftExact?.ToDecimalString(ValidationRules.DisplayDecimals);

    public string? RightValue => RightExact?.ToDecimalString(ValidationRules.DisplayDecimals);
}

/// <summary>The outcomes of a run: violations in the order a clerk reads them, and what was skipped and why.</summary>
public sealed record ValidationResult(IReadOnlyList<RuleOutcome> Violations, IReadOnlyList<RuleOutcome> Skipped, int Passed)
{
    public int Checked => Violations.Count + Skipped.Count + Passed;
}

/// <summary>Defining and running validation rules.</summary>
public static class ValidationRules
{
    /// <summary>
    /// Places a shown value is rounded to: 6, the decimals of a ratio (src/Dongming.Domain/ValueRange.cs), so
    /// a coverage and a quotient are compared in the form the ratio was entered.
    /// </summary>
    public const int DisplayDecimals = 6;

    /// <summary>Longest rule name and description.</summary>
    public const int MaxNameLength = 100, MaxDescriptionLength = 1000;

    /// <summary>
    /// Checks a definition and parses its sides against the catalog. Every problem is reported at once as
    /// INVALID_ARGUMENT naming the field (<c>rule.code</c>, <c>rule.left</c>, <c>rule.right</c>, …): syntax
    /// errors with the character and what was expected, and every unknown indicator code.
    /// </summary>
    public static CompiledRule Compile(IndicatorCatalog catalog, ValidationRule rule)
    {
        var v = new Violations();
        var compiled = CompileInto(v, catalog, rule, toleranceGiven: rule.Tolerance is not null);
        v.ThrowIfAny();
        return compiled!;
    }

    /// <summary>
    /// Validates a request to define a rule as the caller sent it (its request id, the tolerance as decimal text) and
    /// compiles the rule: every bad field at once, the tolerance's form among them.
    /// </summary>
    public static CompiledRule Validate(IndicatorCatalog catalog, RuleDraft draft, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var v = new Violations();
        Text.CheckRequestId(v, "request_id", requestId);
        var tolerance = string.IsNullOrEmpty(draft.Tolerance) ? null : ExactDecimal.Parse(v, "rule.tolerance", draft.Tolerance);
        var rule = new ValidationRule(draft.Code, draft.NameZh, draft.Left, draft.Operator, draft.Right, tolerance, draft.Importance, draft.PeriodKind, draft.Scope,
            string.IsNullOrEmpty(draft.Description) ? null : draft.Description);
        var compiled = CompileInto(v, catalog, rule, toleranceGiven: !string.IsNullOrEmpty(draft.Tolerance));
        v.ThrowIfAny();
        return compiled!;
    }

    private static CompiledRule? CompileInto(Violations v, IndicatorCatalog catalog, ValidationRule rule, bool toleranceGiven)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rule);
        Text.CheckCode(v, "rule.code", rule.Code);
        Text.CheckText(v, "rule.name_zh", rule.NameZh, MaxNameLength, required: true);
        Text.CheckText(v, "rule.description", rule.Description, MaxDescriptionLength, allowNewLines: true);
        var left = ExpressionParser.Parse(v, "rule.left", rule.Left, catalog);
        var right = ExpressionParser.Parse(v, "rule.right", rule.Right, catalog);
        if (!Enum.IsDefined(rule.Operator)) v.Add("rule.operator", "must be one of ==, !=, <, <=, >, >= or equal within a tolerance");
        if (!Enum.IsDefined(rule.Importance)) v.Add("rule.importance", "must be high, medium or low");
        if (!Enum.IsDefined(rule.Scope)) v.Add("rule.scope", "must be each village, the township total or both");
        if (rule.PeriodKind is { } kind && !Enum.IsDefined(kind)) v.Add("rule.period_type", "must be year, quarter or month (or none: every period)");
        if (rule.Operator == RuleOperator.EqualWithin)
        {
            if (rule.Tolerance is not { } tolerance) { if (!toleranceGiven) v.Add("rule.tolerance", "is required with equal within a tolerance"); }
            else if (tolerance < 0) v.Add("rule.tolerance", "must not be negative");
            else ValueRange.Check(v, "rule.tolerance", tolerance, ratio: true);
        }
        else if (toleranceGiven)
        {
            v.Add("rule.tolerance", "is only for equal within a tolerance");
        }
        if (left is not null && right is not null && left.Indicators.Count == 0 && right.Indicators.Count == 0)
            v.Add("rule.left", "the rule names no indicator on either side, so it checks nothing");
        return v.Any ? null : new CompiledRule(rule, left!, right!);
    }

    /// <summary>The symbol of an operator as a clerk reads it.</summary>
    public static string Symbol(RuleOperator op) => op switch
    {
        RuleOperator.Equal => "==",
        RuleOperator.NotEqual => "!=",
        RuleOperator.Less => "<",
        RuleOperator.LessOrEqual => "<=",
        RuleOperator.Greater => ">",
        RuleOperator.GreaterOrEqual => ">=",
        _ => "≈",
    };

    /// <summary>
    /// Checks one rule on one org unit's figures. The rule is skipped — never violated, never a crash — when
    /// a side cannot be computed (an operand without a value, a divisor of 0); the reason says which.
    /// The caller decides applicability (<see cref="CompiledRule.AppliesTo"/>); <see cref="Run"/> does.
    /// </summary>
    public static RuleOutcome Evaluate(CompiledRule rule, FigureSet figures)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(figures);
        var left = rule.Left.Evaluate(figures.Values);
        var right = rule.Right.Evaluate(figures.Values);
        var r = rule.Rule;
        if (left.Value is not { } l || right.Value is not { } rv)
        {
            var reasons = new[] { left.Reason is { } a ? $"left: {a}" : null, right.Reason is { } b ? $"right: {b}" : null };
            return new RuleOutcome(r.Code, figures.OrgUnitId, figures.Level, figures.Period, RuleStatus.Skipped, r.Operator, r.Importance,
                left.Value, right.Value, string.Join("; ", reasons.Where(x => x is not null)));
        }
        var holds = r.Operator switch
        {
            RuleOperator.Equal => l == rv,
            RuleOperator.NotEqual => l != rv,
            RuleOperator.Less => l < rv,
            RuleOperator.LessOrEqual => l <= rv,
            RuleOperator.Greater => l > rv,
            RuleOperator.GreaterOrEqual => l >= rv,
            _ => Rational.Abs(l - rv) <= Rational.FromDecimal(r.Tolerance ?? 0m),
        };
        return new RuleOutcome(r.Code, figures.OrgUnitId, figures.Level, figures.Period, holds ? RuleStatus.Passed : RuleStatus.Violated,
            r.Operator, r.Importance, l, rv, null);
    }

    /// <summary>
    /// Checks every rule that applies (scope and period kind) on every figure set. Violations come ordered by
    /// importance (high first), then rule code, org unit and period; skipped outcomes in the same order.
    /// Rules that do not apply to a set are not checked and not counted.
    /// </summary>
    public static ValidationResult Run(IEnumerable<CompiledRule> rules, IEnumerable<FigureSet> figureSets)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(figureSets);
        var ruleList = rules.ToList();
        var violations = new List<RuleOutcome>();
        var skipped = new List<RuleOutcome>();
        var passed = 0;
        foreach (var set in figureSets)
        {
            foreach (var rule in ruleList)
            {
                if (!rule.AppliesTo(set.Level, set.Period)) continue;
                var outcome = Evaluate(rule, set);
                switch (outcome.Status)
                {
                    case RuleStatus.Violated: violations.Add(outcome); break;
                    case RuleStatus.Skipped: skipped.Add(outcome); break;
                    default: passed++; break;
                }
            }
        }
        return new ValidationResult(Order(violations), Order(skipped), passed);
    }

    /// <summary>Importance (high first), rule code, org unit, then period.</summary>
    public static IReadOnlyList<RuleOutcome> Order(IEnumerable<RuleOutcome> outcomes) =>
        [.. outcomes.OrderBy(o => o.Importance)
            .ThenBy(o => o.RuleCode, StringComparer.Ordinal)
            .ThenBy(o => o.OrgUnitId, StringComparer.Ordinal)
            .ThenBy(o => o.Period)];
}
