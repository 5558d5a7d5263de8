namespace Dongming.Domain.Tests;

public sealed class BannerAggregateTests
{
    private static readonly DateTimeOffset At = new(2024, 6, 30, 8, 0, 0, TimeSpan.Zero);

    private static IndicatorCatalog Catalog => TestData.Catalog;

    private static string Ratio => TestData.IndicatorRows.First(d => d.Kind == IndicatorKind.Ratio).Code;

    private static BannerFigure F(decimal value, int villages = 1, bool atLeast = false) => new(value, villages, atLeast, 0, 0);

    private static BannerPartFull Part(string township, string epoch, long version, params (string Key, BannerFigure Figure)[] figures) =>
        new(township, epoch, version, figures.ToDictionary(f => f.Key, f => f.Figure, StringComparer.Ordinal), At);

    private static BannerTotalsAnswer Totals(BannerAggregate banner, bool breakdown = false, params string[] indicators) =>
        banner.Totals(TotalsQuery.Validate(Catalog, "2024", indicators, breakdown), Catalog);

    private static decimal? Value(BannerAggregate banner, string indicator) => Totals(banner).Totals.SingleOrDefault(t => t.Indicator == indicator)?.Value;

    [Fact]
    public void Totals_AreTheSumOfTheTownshipsParts_WithABreakdownByTownship()
    {
        var banner = new BannerAggregate("naiman");
        banner.Replace(Part("t-a", "e1", 3, ("2024|livestock_sheep", F(100.5m, 3)), ("2024|livestock_cattle", F(7))));
        banner.Replace(Part("t-b", "e1", 9, ("2024|livestock_sheep", F(0.25m, 2, atLeast: true))));

        var answer = Totals(banner, breakdown: true, "livestock_sheep");

        var sheep = Assert.Single(answer.Totals);
        Assert.Equal(100.75m, sheep.Value);
        Assert.Equal(5, sheep.VillagesReporting);
        Assert.True(sheep.AtLeast);
        Assert.Equal(["t-a", "t-b"], sheep.Breakdown!.Select(p => p.OrgUnitId));
        Assert.Equal(sheep.Value, sheep.Breakdown!.Sum(p => p.Value));
        Assert.Equal(FigureFlags.AtLeast, sheep.Breakdown![1].Flags);
        Assert.Equal(2, answer.TownshipCount);
    }

    [Fact]
    public void Apply_ContinuingTheVersionHeld_ChangesTheSum_AndAReplayChangesNothing()
    {
        var banner = new BannerAggregate("naiman");
        banner.Replace(Part("t-a", "e1", 3, ("2024|livestock_sheep", F(100))));
        var change = new BannerChange("t-a", "e1", 3, 5, new Dictionary<string, BannerFigure?> { ["2024|livestock_sheep"] = F(130), ["2024|livestock_cattle"] = F(4) }, At);

        Assert.Equal(ChangeOutcome.Applied, banner.Apply(change));
        var version = banner.Version;
        Assert.Equal(ChangeOutcome.AlreadyApplied, banner.Apply(change));

        Assert.Equal(130m, Value(banner, "livestock_sheep"));
        Assert.Equal(4m, Value(banner, "livestock_cattle"));
        Assert.Equal(version, banner.Version);
    }

    [Fact]
    public void Apply_AfterAGapOrFromAnotherActivation_AsksForTheWholePart()
    {
        var banner = new BannerAggregate("naiman");
        banner.Replace(Part("t-a", "e1", 3, ("2024|livestock_sheep", F(100))));
        var gap = new BannerChange("t-a", "e1", 4, 6, new Dictionary<string, BannerFigure?> { ["2024|livestock_sheep"] = F(1) }, At);
        var otherEpoch = new BannerChange("t-a", "e2", 3, 4, new Dictionary<string, BannerFigure?> { ["2024|livestock_sheep"] = F(1) }, At);
        var unknown = new BannerChange("t-z", "e1", 0, 1, new Dictionary<string, BannerFigure?> { ["2024|livestock_sheep"] = F(1) }, At);

        Assert.Equal(ChangeOutcome.NeedsFullContribution, banner.Apply(gap));
        Assert.Equal(ChangeOutcome.NeedsFullContribution, banner.Apply(otherEpoch));
        Assert.Equal(ChangeOutcome.NeedsFullContribution, banner.Apply(unknown));
        Assert.Equal(100m, Value(banner, "livestock_sheep"));
    }

    [Fact]
    public void Replace_FromANewActivation_WinsOverAHigherVersionOfTheOldOne_AndRemovesWhatIsGone()
    {
        var banner = new BannerAggregate("naiman");
        banner.Replace(Part("t-a", "e1", 40, ("2024|livestock_sheep", F(100)), ("2024|livestock_cattle", F(9))));

        Assert.False(banner.Replace(Part("t-a", "e1", 39, ("2024|livestock_sheep", F(1)))));
        Assert.True(banner.Replace(Part("t-a", "e2", 2, ("2024|livestock_sheep", F(60)))));

        Assert.Equal(60m, Value(banner, "livestock_sheep"));
        Assert.Null(Value(banner, "livestock_cattle"));
        Assert.Empty(banner.Recount());
    }

    [Fact]
    public void Totals_LeaveRatiosOut()
    {
        var banner = new BannerAggregate("naiman");
        banner.Replace(Part("t-a", "e1", 1, ($"2024|{Ratio}", F(0.9m, 0)), ("2024|livestock_sheep", F(5))));

        Assert.Null(Value(banner, Ratio));
        Assert.Equal(5m, Value(banner, "livestock_sheep"));
    }

    [Fact]
    public void Recount_AfterManyChanges_FindsNothingWrong_AndTheSumEqualsTheParts()
    {
        var banner = new BannerAggregate("naiman");
        var random = new Random(7);
        var versions = new Dictionary<string, long>();
        for (var t = 0; t < 20; t++) { banner.Replace(Part($"t-{t}", "e", 0)); versions[$"t-{t}"] = 0; }
        for (var i = 0; i < 2000; i++)
        {
            var township = $"t-{random.Next(20)}";
            var value = random.Next(4) == 0 ? null : F(random.Next(1_000_000) / 100m);
            var change = new BannerChange(township, "e", versions[township], versions[township] + 1, new Dictionary<string, BannerFigure?> { ["2024|livestock_sheep"] = value }, At);
            Assert.Equal(ChangeOutcome.Applied, banner.Apply(change));
            versions[township]++;
        }

        Assert.Empty(banner.Recount());
        var held = banner.Parts.Values.Select(p => p.Figures.GetValueOrDefault("2024|livestock_sheep")).OfType<BannerFigure>().ToList();
        Assert.NotEmpty(held);
        Assert.Equal(held.Sum(f => f.Value), Value(banner, "livestock_sheep"));
    }
}

public sealed class BannerRulesTests
{
    [Fact]
    public void CheckRegistration_BadIdAndNoName_NamesBothFields()
    {
        var e = Assert.Throws<DomainException>(() => BannerRules.CheckRegistration("Bad Id", ""));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["banner_id", "name"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void CheckMembership_BothMalformed_NamesBothFields()
    {
        var e = Assert.Throws<DomainException>(() => BannerRules.CheckMembership("", "X"));
        Assert.Equal(["banner_id", "township_id"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Join_AMemberAgain_IsNothingToDo_AndAnotherBannersMember_IsRefused()
    {
        Assert.True(BannerRules.Join("naiman", "dongming", null, 0, 34));
        Assert.False(BannerRules.Join("naiman", "dongming", "naiman", 34, 34));
        var e = Assert.Throws<DomainException>(() => BannerRules.Join("horqin", "dongming", "naiman", 0, 34));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.Contains("naiman", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_BeyondTheBannersOrgUnitLimit_IsRefused()
    {
        var e = Assert.Throws<DomainException>(() => BannerRules.Join("naiman", "big", null, ValueRange.MaxOrgUnitsPerBanner - 10, 11));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.True(BannerRules.Join("naiman", "fits", null, ValueRange.MaxOrgUnitsPerBanner - 10, 10));
    }

    [Fact]
    public void IsNew_SameName_IsTheSameBanner_AnotherName_AlreadyExists()
    {
        var existing = new BannerInfo("naiman", "奈曼旗", []);
        Assert.True(BannerRules.IsNew(null, "naiman", "奈曼旗"));
        Assert.False(BannerRules.IsNew(existing, "naiman", "奈曼旗"));
        Assert.Equal(ErrorKind.AlreadyExists, Assert.Throws<DomainException>(() => BannerRules.IsNew(existing, "naiman", "科尔沁")).Kind);
    }
}
