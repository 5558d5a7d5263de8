using System.Text.Json;
using Dongming.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Dongming.Quality.Tests.TestData;

namespace Dongming.Quality.Tests;

/// <summary>The quality catalog, data set definitions and the checks a township answers from its kept contributions.</summary>
public class TownshipQualityTests
{
    private static readonly DateTimeOffset At = new(2024, 1, 10, 9, 0, 0, TimeSpan.FromHours(8));

    private static Contributed Value(decimal v, FigureFlags flags = FigureFlags.None, params string[] from) =>
        new(v, flags, At, from.Length == 0 ? null : from);

    /// <summary>A township "t" whose org units contributed these figures ("period|code" → value) and approvals.</summary>
    private static TownshipAggregate Township(params (string OrgUnit, OrgUnitLevel Level, Dictionary<string, Contributed?> Figures, Dictionary<string, ApprovalState?> Approvals)[] parts)
    {
        var township = new TownshipAggregate("t");
        foreach (var (unit, level, figures, approvals) in parts)
            Assert.Equal(ChangeOutcome.Applied, township.Apply(new ContributionChange(unit, level, 0, 1, figures, new Dictionary<string, CaseTally?>(), At, Approvals: approvals)));
        return township;
    }

    private static (string, OrgUnitLevel, Dictionary<string, Contributed?>, Dictionary<string, ApprovalState?>) Village(string id, params (string Key, Contributed Value)[] figures) =>
        (id, OrgUnitLevel.Village, figures.ToDictionary(f => f.Key, f => (Contributed?)f.Value, StringComparer.Ordinal), []);

    private static ApprovalState Approved(string dataSet, string period) =>
        new(dataSet, period, ApprovalStatus.Approved, ["persons"], [new ApprovalStep(ApprovalAction.Approve, ApprovalStatus.Submitted, ApprovalStatus.Approved, "s", "镇干部", At, null, "r1")]);

    [Fact]
    public void QualityCatalog_ADefinedRuleUnderABuiltInCode_ReplacesIt_AndIsFoundByItsIndicators()
    {
        var bound = new ValidationRule("pension_paid_per_recipient_max", "人均养老金上限", "pension_paid ÷ pension_recipients", RuleOperator.LessOrEqual, "25000",
            null, Importance.Medium, PeriodKind.Year, RuleScope.Both);
        var own = new ValidationRule("sheep_cap", "羊存栏上限", "livestock_sheep", RuleOperator.LessOrEqual, "100000", null, Importance.Low, null, RuleScope.EachVillage);
        var quality = new QualityCatalog(Catalog, [new DefinedRule(bound, "admin", "Admin", At), new DefinedRule(own, "admin", "Admin", At)], []);
        Assert.Equal(BuiltInRules.For(Catalog).Rules.Count + 1, quality.Rules.Count);
        var replaced = quality.Rule("pension_paid_per_recipient_max")!;
        Assert.Equal((RuleSource.Redefined, "25000", "admin"), (replaced.Source, replaced.Rule.Right, replaced.Definition!.DefinedBy));
        Assert.Equal(RuleSource.Defined, quality.Rule("sheep_cap")!.Source);
        Assert.Equal(RuleSource.BuiltIn, quality.Rule("livestock_total_parts")!.Source);
        Assert.Equal(["livestock_total_parts", "sheep_cap"], quality.RulesNaming(["livestock_sheep"]).Select(r => r.Code));
        Assert.Equal(quality.Rules.Select(r => r.Code).Order(StringComparer.Ordinal), quality.Rules.Select(r => r.Code));
    }

    [Fact]
    public void DataSets_Validate_NamesEveryField_AndAnUnknownTownshipIsNotFound()
    {
        var bad = new DataSet("Bad", "", (PeriodKind)(-1), ["total", "coverage", "persons", "persons"], ["v-1", "v-9", "Bad Id"], 400);
        var e = Assert.Throws<DomainException>(() => DataSets.Validate(Small(), "tt", new HashSet<string> { "v-1" }, bad, ""));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["request_id", "data_set.code", "data_set.name_zh", "data_set.period_type", "data_set.due_days", "data_set.indicators[0]",
            "data_set.indicators[1]", "data_set.indicators[3]", "data_set.org_unit_ids[2]", "data_set.org_unit_ids[1]"], Fields(e));
        var unknown = Assert.Throws<DomainException>(() => DataSets.Validate(Small(), "nowhere", null, new DataSet("ok", "数据集", PeriodKind.Year, ["persons"], null, 0), "r"));
        Assert.Equal((ErrorKind.NotFound, "township_id"), (unknown.Kind, Assert.Single(unknown.Violations).Field));
    }

    [Theory]
    [InlineData(FigureFlags.None, "", IndicatorKind.Stock, true)] // entered for the year itself
    [InlineData(FigureFlags.RolledUp, "2023Q4", IndicatorKind.Stock, true)] // a stock's year is its last quarter
    [InlineData(FigureFlags.RolledUp, "2023Q2", IndicatorKind.Stock, false)]
    [InlineData(FigureFlags.RolledUp, "2023Q1,2023Q2,2023Q3,2023Q4", IndicatorKind.Flow, true)] // a flow needs the whole year
    [InlineData(FigureFlags.RolledUp, "2023Q1,2023Q2,2023-07,2023-08,2023-09,2023Q4", IndicatorKind.Flow, true)]
    [InlineData(FigureFlags.RolledUp, "2023Q1,2023Q2,2023Q4", IndicatorKind.Flow, false)]
    public void Holds_AReportIsAValueForTheWholePeriod(FigureFlags flags, string from, IndicatorKind kind, bool holds) =>
        Assert.Equal(holds, Completeness.Holds(Year2023, Value(1, flags, from.Length == 0 ? [] : from.Split(',')), kind));

    [Fact]
    public void OutlierQuery_DefaultsByMethod_AndEveryBadField()
    {
        var q = OutlierQuery.Validate(Small(), new OutlierCommand("2023", null, OutlierMethod.ModifiedZScore, null, null, null, null));
        Assert.Equal((3.5m, 3m, (string?)null), (q.Threshold, q.JumpFactor, q.Indicator));
        Assert.Equal(3m, OutlierQuery.Validate(Small(), new OutlierCommand("2023", "persons", OutlierMethod.ZScore, null, null, null, "")).Threshold);
        var e = Assert.Throws<DomainException>(() => OutlierQuery.Validate(Small(), new OutlierCommand("x", "Bad", OutlierMethod.ZScore, "-1", "1e3", null, "0.5")));
        Assert.Equal(["period", "indicator", "min", "threshold", "jump_factor"], Fields(e));
        var minMax = Assert.Throws<DomainException>(() => OutlierQuery.Validate(Small(), new OutlierCommand("2023", null, OutlierMethod.MinMax, null, "x", null, null)));
        Assert.Equal(["min"], Fields(minMax)); // a malformed minimum, not also "needs a minimum"
    }

    [Fact]
    public void Completeness_FromKeptContributions_CountsWholePeriodValuesOnly()
    {
        var township = Township(
            Village("v-1", ("2023|persons", Value(5)), ("2023|paid", Value(10))),
            Village("v-2", ("2023|persons", Value(5, FigureFlags.RolledUp, "2023Q2")), ("2023|paid", Value(10))),
            Village("v-3", ("2023|paid", Value(10))));
        var set = new DataSet("ledger", "台账", PeriodKind.Year, ["persons", "paid"], null, 30);
        var roster = new[] { new VillageInfo("v-1", "一村", VillageKind.Village, "t"), new VillageInfo("v-2", "二村", VillageKind.Village, "t"), new VillageInfo("v-3", "三村", VillageKind.Village, "t", ActiveFrom: "2024") };
        var c = TownshipQuality.Completeness(township, Small(), set, Year2023, roster);
        Assert.Equal((2, 1, 1), (c.Expected, c.Reported, c.ReportedOnTime));
        Assert.Equal(["v-1"], c.OnTime!);
        Assert.Equal(["persons"], Assert.Single(c.Partial).MissingIndicators); // v-2's persons are only the second quarter's
        Assert.Equal(("v-3", "active only from 2024"), (Assert.Single(c.NotExpected).VillageId, c.NotExpected[0].Reason));
    }

    [Fact]
    public void Approval_IsTheTownshipsOnlyWithEveryExpectedVillageApproved()
    {
        var roster = new[] { new VillageInfo("v-1", "一村", VillageKind.Village, "t"), new VillageInfo("v-2", "二村", VillageKind.Village, "t", RetiredFrom: "2023") };
        var set = new DataSet("ledger", "台账", PeriodKind.Year, ["persons"], null, 30);
        var key = ApprovalState.KeyOf("ledger", "2023");
        var township = Township(
            ("v-1", OrgUnitLevel.Village, [], new() { [key] = Approved("ledger", "2023") }),
            ("v-2", OrgUnitLevel.Village, [], new() { [key] = Approved("ledger", "2023") }),
            ("t", OrgUnitLevel.Township, [], []));
        var a = TownshipQuality.Approval("t", township, set, Year2023, roster);
        Assert.Equal((1, 1, true, false), (a.Expected, a.VillagesApproved, a.AllVillagesApproved, a.Approved));
        Assert.Equal("v-2", Assert.Single(a.NotExpected).OrgUnitId); // retired from 2023: not expected, shown
        Assert.Equal(ApprovalStatus.Open, a.Township.Status);

        township.Apply(new ContributionChange("t", OrgUnitLevel.Township, 1, 2, new Dictionary<string, Contributed?>(), new Dictionary<string, CaseTally?>(), At,
            Approvals: new Dictionary<string, ApprovalState?> { [key] = Approved("ledger", "2023") }));
        Assert.True(TownshipQuality.Approval("t", township, set, Year2023, roster).Approved);
        var one = TownshipQuality.Approval("t", township, set, Year2023, roster, orgUnitId: "v-1");
        Assert.Equal(["v-1"], one.Villages.Select(v => v.OrgUnitId));
    }

    [Fact]
    public void Validate_VillagesAndTheTownshipTotal_ViolationsSkippedAndPassedCounted()
    {
        var township = Township(
            Village("v-1", ("2023|pension_paid", Value(1_000_000)), ("2023|pension_recipients", Value(10))),
            Village("v-2", ("2023|pension_paid", Value(20_000)), ("2023|pension_recipients", Value(0))),
            Village("v-3", ("2022|pension_paid", Value(1))));
        var quality = new QualityCatalog(Catalog, [], []);
        var run = TownshipQuality.Validate("t", township, quality, ValidationQuery.Validate("2023", [], includeSkipped: true, _ => true));
        Assert.Contains(run.Violations, v => v.RuleCode == "pension_paid_per_recipient_max" && v.OrgUnitId == "v-1");
        Assert.Contains(run.Violations, v => v.RuleCode == "pension_paid_per_recipient_max" && v.OrgUnitId == "t" && v.Level == FigureLevel.TownshipTotal); // 1,020,000 ÷ 10
        Assert.Contains(run.Skipped, s => s.RuleCode == "pension_paid_per_recipient_max" && s.OrgUnitId == "v-2");
        Assert.DoesNotContain(run.Violations.Concat(run.Skipped), o => o.OrgUnitId == "v-3"); // nothing of 2023 to check
        Assert.Equal(run.Skipped.Count, run.SkippedCount);
        Assert.Contains(run.Rules, r => r.Code == "pension_paid_per_recipient_max");

        var warnings = TownshipQuality.Warnings(quality, "v-1", Year2023, ["pension_paid"],
            code => code switch { "pension_paid" => 1_000_000m, "pension_recipients" => 10m, _ => null });
        var w = Assert.Single(warnings);
        Assert.Equal(("pension_paid_per_recipient_max", "medium", "<=", "100000", "6000"), (w.Rule, w.Importance, w.Operator, w.LeftValue, w.RightValue));
    }

    [Fact]
    public void ValidationQuery_NamesEveryBadField()
    {
        var e = Assert.Throws<DomainException>(() => ValidationQuery.Validate("2023Q5", ["Bad Id", "v-1", "v-1", "v-9"], false, id => id == "v-1"));
        Assert.Equal(["period", "org_unit_ids[0]", "org_unit_ids[2]", "org_unit_ids[3]"], Fields(e));
        var unknown = Assert.Throws<DomainException>(() => ValidationQuery.Validate("2023", ["v-9"], false, id => id == "v-1"));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
    }

    [Fact]
    public void Outcomes_CrossSilosAsJson_Exactly()
    {
        var outcome = new RuleOutcome("pension_paid_per_recipient_max", "dongming", FigureLevel.TownshipTotal, Year2023, RuleStatus.Violated, RuleOperator.LessOrEqual,
            Importance.Medium, Rational.Of(152_180_000, 7_921), 6000m, null);
        var back = JsonSerializer.Deserialize<RuleOutcome>(JsonSerializer.Serialize(outcome))!;
        Assert.Equal(outcome, back);
        Assert.Equal("19212.220679", back.LeftValue);
        Assert.Contains("\"152180000/7921\"", JsonSerializer.Serialize(outcome), StringComparison.Ordinal);
        var completeness = Completeness.Compute(new DataSet("s", "集", PeriodKind.Year, ["persons"], null, 0), Year2023, [new RosterVillage("v-1")], [new HeldValue("v-1", "persons", At)]);
        var again = JsonSerializer.Deserialize<CompletenessResult>(JsonSerializer.Serialize(completeness))!;
        Assert.Equal((completeness.Expected, completeness.Reported, completeness.DueDate, completeness.Rate), (again.Expected, again.Reported, again.DueDate, again.Rate));
        Assert.Equal(completeness.Late.Single().CompletedAt, again.Late.Single().CompletedAt);
    }

    public static Arbitrary<(bool[] Approved, bool[] Retired, bool[] Later, bool TownshipApproved)> Rosters() => Arb.From(
        from n in Gen.Choose(0, 8)
        from approved in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), n)
        from retired in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), n)
        from later in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), n)
        from own in ArbMap.Default.GeneratorFor<bool>()
        select (approved, retired, later, own));

    /// <summary>Whatever the roster's changes: the township reads approved exactly when it and every village still expected are.</summary>
    [Property(Arbitrary = [typeof(TownshipQualityTests)], MaxTest = 300)]
    public bool Approval_Approved_IffTownshipAndEveryExpectedVillageAre((bool[] Approved, bool[] Retired, bool[] Later, bool TownshipApproved) c)
    {
        var key = ApprovalState.KeyOf("ledger", "2023");
        var roster = c.Approved.Select((_, i) => new VillageInfo($"v-{i}", "村", VillageKind.Village, "t", c.Retired[i] ? "2023Q3" : null, c.Later[i] ? "2024" : null)).ToList();
        Dictionary<string, ApprovalState?> ApprovalsOf(bool approved) => approved ? new() { [key] = Approved("ledger", "2023") } : [];
        var parts = c.Approved.Select((a, i) => ($"v-{i}", OrgUnitLevel.Village, new Dictionary<string, Contributed?>(), ApprovalsOf(a))).ToList();
        parts.Add(("t", OrgUnitLevel.Township, new Dictionary<string, Contributed?>(), ApprovalsOf(c.TownshipApproved)));
        var approval = TownshipQuality.Approval("t", Township([.. parts]), new DataSet("ledger", "台账", PeriodKind.Year, ["persons"], null, 0), Year2023, roster);
        var expected = Enumerable.Range(0, c.Approved.Length).Where(i => !c.Retired[i] && !c.Later[i]).ToList();
        return approval.Expected == expected.Count
            && approval.VillagesApproved <= approval.Expected
            && approval.Approved == (c.TownshipApproved && expected.All(i => c.Approved[i]))
            && approval.Villages.Count + approval.NotExpected.Count <= c.Approved.Length;
    }
}
