using Dongming.Domain;
using static Dongming.Quality.Tests.TestData;

namespace Dongming.Quality.Tests;

public class ValidationRuleTests
{
    private static ValidationRule Rule(string left, RuleOperator op, string right, decimal? tolerance = null, string code = "paid_per_person_max",
        Importance importance = Importance.Medium, PeriodKind? periodKind = null, RuleScope scope = RuleScope.Both) =>
        new(code, "人均金额上限", left, op, right, tolerance, importance, periodKind, scope);

    private static CompiledRule Compile(ValidationRule rule) => ValidationRules.Compile(Small(), rule);

    [Fact]
    public void Compile_BadDefinition_ReportsEveryFieldAtOnce()
    {
        var bad = new ValidationRule("Bad Code", "", "paid ÷", (RuleOperator)99, "persons_x + 1", -1m, (Importance)7, (PeriodKind)9, (RuleScope)5);
        var e = Assert.Throws<DomainException>(() => Compile(bad));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["rule.code", "rule.name_zh", "rule.left", "rule.right", "rule.operator", "rule.importance", "rule.scope", "rule.period_type", "rule.tolerance"], Fields(e));
        Assert.Contains(e.Violations, v => v.Field == "rule.left" && v.Description.StartsWith("at character 7: expected an indicator code", StringComparison.Ordinal));
        Assert.Contains(e.Violations, v => v.Field == "rule.right" && v.Description == "unknown indicator persons_x (at character 1)");
    }

    [Fact]
    public void Compile_Tolerance_BelongsToEqualWithinOnly()
    {
        Assert.Equal(["rule.tolerance"], Fields(Assert.Throws<DomainException>(() => Compile(Rule("paid", RuleOperator.EqualWithin, "persons")))));
        Assert.Equal(["rule.tolerance"], Fields(Assert.Throws<DomainException>(() => Compile(Rule("paid", RuleOperator.Equal, "persons", 0.1m)))));
        Assert.Equal(["rule.tolerance"], Fields(Assert.Throws<DomainException>(() => Compile(Rule("paid", RuleOperator.EqualWithin, "persons", 0.0000001m)))));
        Assert.Equal(0.00005m, Compile(Rule("coverage", RuleOperator.EqualWithin, "paid ÷ persons", 0.00005m)).Rule.Tolerance);
    }

    [Fact]
    public void Compile_ARuleWithoutIndicators_IsRefused() =>
        Assert.Equal(["rule.left"], Fields(Assert.Throws<DomainException>(() => Compile(Rule("1", RuleOperator.Less, "2")))));

    [Theory]
    [InlineData(RuleOperator.Equal, 3, 3, true)]
    [InlineData(RuleOperator.Equal, 3, 4, false)]
    [InlineData(RuleOperator.NotEqual, 3, 4, true)]
    [InlineData(RuleOperator.Less, 3, 4, true)]
    [InlineData(RuleOperator.Less, 4, 4, false)]
    [InlineData(RuleOperator.LessOrEqual, 4, 4, true)]
    [InlineData(RuleOperator.Greater, 4, 4, false)]
    [InlineData(RuleOperator.GreaterOrEqual, 4, 4, true)]
    [InlineData(RuleOperator.GreaterOrEqual, 3, 4, false)]
    public void Evaluate_ComparesExactly(RuleOperator op, int left, int right, bool holds)
    {
        var outcome = ValidationRules.Evaluate(Compile(Rule("paid", op, "persons")), Figures("datai", Values(("paid", left), ("persons", right))));
        Assert.Equal(holds ? RuleStatus.Passed : RuleStatus.Violated, outcome.Status);
        Assert.Equal(left.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.LeftValue);
    }

    [Fact]
    public void Evaluate_EqualWithin_HoldsUpToTheToleranceInclusive()
    {
        var rule = Compile(Rule("coverage", RuleOperator.EqualWithin, "paid ÷ persons", 0.00005m));
        // 3600 ÷ 3713 = 0.969566…: 0.9695 is within 0.00005, 0.9694 is not.
        Assert.Equal(RuleStatus.Passed, ValidationRules.Evaluate(rule, Figures("t", Values(("coverage", 0.9696m), ("paid", 3600), ("persons", 3713)))).Status);
        Assert.Equal(RuleStatus.Passed, ValidationRules.Evaluate(rule, Figures("t", Values(("coverage", 0.96955m), ("paid", 3600), ("persons", 3713)))).Status);
        var violated = ValidationRules.Evaluate(rule, Figures("t", Values(("coverage", 0.9694m), ("paid", 3600), ("persons", 3713))));
        Assert.Equal(RuleStatus.Violated, violated.Status);
        Assert.Equal("0.969566", violated.RightValue);
        Assert.Equal(Rational.Of(3600, 3713), violated.RightExact);
        // Exactly on the tolerance: |0.5 − 0.50005| = 0.00005 holds.
        Assert.Equal(RuleStatus.Passed, ValidationRules.Evaluate(rule, Figures("t", Values(("coverage", 0.50005m), ("paid", 1), ("persons", 2)))).Status);
    }

    [Fact]
    public void Evaluate_MissingOperandOrZeroDivisor_IsSkippedWithTheReason_NeverViolated()
    {
        var rule = Compile(Rule("paid ÷ persons", RuleOperator.LessOrEqual, "3000"));
        var missing = ValidationRules.Evaluate(rule, Figures("datai", Values(("paid", 1_000_000))));
        Assert.Equal(RuleStatus.Skipped, missing.Status);
        Assert.Equal("left: no value for persons", missing.SkipReason);
        var zero = ValidationRules.Evaluate(rule, Figures("datai", Values(("paid", 1_000_000), ("persons", 0))));
        Assert.Equal(RuleStatus.Skipped, zero.Status);
        Assert.Equal("left: division by zero (persons is 0)", zero.SkipReason);
        Assert.Null(zero.LeftValue);
        Assert.Equal("3000", zero.RightValue);
    }

    [Fact]
    public void Run_ChecksOnlyApplicableRules_AndOrdersViolationsByImportanceThenCodeThenOrgUnit()
    {
        var rules = new[]
        {
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "z_low", importance: Importance.Low)),
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "b_high", importance: Importance.High)),
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "a_medium", importance: Importance.Medium)),
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "a_high", importance: Importance.High)),
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "village_only", scope: RuleScope.EachVillage)),
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "township_only", scope: RuleScope.TownshipTotal)),
            Compile(Rule("paid", RuleOperator.Less, "persons", code: "quarterly", periodKind: PeriodKind.Quarter)),
            Compile(Rule("paid", RuleOperator.Less, "total", code: "needs_total")),
        };
        var bad = Values(("paid", 10), ("persons", 1));
        var result = ValidationRules.Run(rules,
        [
            Figures("xiaotai", bad),
            Figures("datai", bad),
            Figures("dongming", bad, FigureLevel.TownshipTotal),
            Figures("fine", Values(("paid", 1), ("persons", 10), ("total", 100))),
        ]);
        Assert.Equal(
            ["a_high/datai", "a_high/dongming", "a_high/xiaotai", "b_high/datai", "b_high/dongming", "b_high/xiaotai",
             "a_medium/datai", "a_medium/dongming", "a_medium/xiaotai", "township_only/dongming", "village_only/datai", "village_only/xiaotai",
             "z_low/datai", "z_low/dongming", "z_low/xiaotai"],
            result.Violations.Select(o => $"{o.RuleCode}/{o.OrgUnitId}"));
        Assert.Equal(["needs_total/datai", "needs_total/dongming", "needs_total/xiaotai"], result.Skipped.Select(o => $"{o.RuleCode}/{o.OrgUnitId}"));
        Assert.Equal(6, result.Passed); // "fine": five rules of a village, needs_total
        Assert.Equal(15 + 3 + 6, result.Checked);
        Assert.DoesNotContain(result.Violations.Concat(result.Skipped), o => o.RuleCode == "quarterly");
    }

    [Fact]
    public void Run_QuarterlyRule_IsCheckedOnQuarters()
    {
        var rule = Compile(Rule("paid", RuleOperator.Less, "persons", code: "quarterly", periodKind: PeriodKind.Quarter));
        var result = ValidationRules.Run([rule], [Figures("datai", Values(("paid", 10), ("persons", 1)), period: Period.Parse("2023Q4"))]);
        Assert.Equal("quarterly", Assert.Single(result.Violations).RuleCode);
    }
}
