using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Grains.Review;
using Dongming.Quality;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Dongming.Grains.Tests;

/// <summary>The review's data read from a township's kept state (no cluster): sources and versions, approval, rule marks.</summary>
public sealed class ReviewSourcesTests
{
    private static readonly IndicatorCatalog Catalog = new([
        new("pension_paid", "养老金发放", "Pension paid", "yuan", "social", IndicatorKind.Flow, EnteredAt.Village, null),
        new("pension_recipients", "养老金领取人数", "Pension recipients", "person", "social", IndicatorKind.Stock, EnteredAt.Village, null),
        new("livestock_total", "牲畜总存栏", "Livestock", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, null),
        new("livestock_sheep", "羊存栏", "Sheep", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, "livestock_total"),
        new("livestock_cattle", "牛存栏", "Cattle", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, "livestock_total"),
    ]);

    private static readonly DateTimeOffset At = new(2024, 1, 10, 0, 0, 0, TimeSpan.Zero);

    private static FullContribution Village(string id, long version, IReadOnlyDictionary<string, decimal> figures, params string[] locked)
    {
        var contributed = figures.ToDictionary(f => FigureKey.Of("2023", f.Key), f => new Contributed(f.Value, FigureFlags.None, At), StringComparer.Ordinal);
        // The ledger contributes its computed figures too (the sum of the parts it holds).
        contributed[FigureKey.Of("2023", "livestock_total")] = new Contributed(figures["livestock_sheep"], FigureFlags.Computed, At);
        var approvals = locked.Length == 0 ? null : new Dictionary<string, ApprovalState>(StringComparer.Ordinal)
        {
            [ApprovalState.KeyOf("yearly", "2023")] = new("yearly", "2023", ApprovalStatus.Approved, locked, []),
        };
        return new FullContribution(id, OrgUnitLevel.Village, version, contributed, new Dictionary<string, CaseTally>(), At, null, approvals);
    }

    private static Dictionary<string, decimal> Figures(decimal paid, decimal recipients, decimal sheep) => new(StringComparer.Ordinal)
    {
        ["pension_paid"] = paid,
        ["pension_recipients"] = recipients,
        ["livestock_sheep"] = sheep,
    };

    [Fact]
    public void Read_Figure_SourcesLargestFirstWithTheirJournalVersions()
    {
        var township = new TownshipAggregate("tw");
        township.Replace(Village("v1", 7, Figures(1000, 1, 30)));
        township.Replace(Village("v2", 12, Figures(2000, 1, 70)));
        var data = ReviewSources.Read("tw", township, new QualityCatalog(Catalog, [], []), 2023);
        var sheep = Assert.Single(data.Figures, f => f.Indicator == "livestock_sheep");
        Assert.Equal(100m, sheep.Value);
        Assert.Equal([new Reports.FigureSource("v2", 12), new Reports.FigureSource("v1", 7)], sheep.Sources);
        Assert.Equal(2, sheep.VillagesReporting);
    }

    [Fact]
    public void Read_Approval_NeedsEveryPartLocked_AComputedTotalEveryPartItHolds()
    {
        var township = new TownshipAggregate("tw");
        township.Replace(Village("v1", 3, Figures(1000, 1, 30), "livestock_sheep", "pension_paid"));
        township.Replace(Village("v2", 3, Figures(2000, 1, 70), "livestock_sheep"));
        var data = ReviewSources.Read("tw", township, new QualityCatalog(Catalog, [], []), 2023);
        bool Approved(string code) => data.Figures.Single(f => f.Indicator == code).Approved;
        Assert.True(Approved("livestock_sheep"));
        Assert.True(Approved("livestock_total")); // computed: its only part held (sheep) is locked in both villages
        Assert.False(Approved("pension_paid")); // v2's part is not locked
        Assert.False(Approved("pension_recipients"));
    }

    [Fact]
    public void Read_RuleViolated_MarksTheAmountItTests_NotTheCount()
    {
        var township = new TownshipAggregate("tw");
        // 30,000 yuan a recipient a year: above the built-in bound (pension_paid_per_recipient_max).
        township.Replace(Village("v1", 2, Figures(300_000, 10, 1)));
        var data = ReviewSources.Read("tw", township, new QualityCatalog(Catalog, [], []), 2023);
        var paid = Assert.Single(data.Figures, f => f.Indicator == "pension_paid");
        var failure = Assert.Single(paid.Failures);
        Assert.Equal("pension_paid_per_recipient_max", failure.Rule);
        Assert.Contains("30000", failure.Message, StringComparison.Ordinal);
        Assert.Empty(data.Figures.Single(f => f.Indicator == "pension_recipients").Failures);
    }

    [Fact]
    public void Read_YearOutOfRange_InvalidArgumentOnYear()
    {
        var e = Assert.Throws<DomainException>(() => ReviewSources.Read("tw", new TownshipAggregate("tw"), new QualityCatalog(Catalog, [], []), 1999));
        Assert.Equal("year", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void ReviewData_BetweenSilos_ArrivesWhole()
    {
        // Between silos the review's data travels through Orleans' serializer (domain and report records as JSON).
        var township = new TownshipAggregate("tw");
        township.Replace(Village("v1", 5, Figures(300_000, 10, 30), "livestock_sheep"));
        var data = ReviewSources.Read("tw", township, new QualityCatalog(Catalog, [], []), 2023);
        var serializer = new ServiceCollection().AddSerializer(s => s.AddDongmingTypes()).BuildServiceProvider().GetRequiredService<Serializer>();
        var back = Assert.IsType<ReviewData>(serializer.Deserialize<ReviewData>(serializer.SerializeToArray(data)));
        Assert.Equal(data.Version, back.Version);
        Assert.Equal(data.Figures.Count, back.Figures.Count);
        for (var i = 0; i < data.Figures.Count; i++)
        {
            var (a, b) = (data.Figures[i], back.Figures[i]);
            Assert.Equal((a.Indicator, a.Value, a.Unit, a.Approved, a.VillagesReporting), (b.Indicator, b.Value, b.Unit, b.Approved, b.VillagesReporting));
            Assert.Equal(a.Sources, b.Sources);
            Assert.Equal(a.Failures, b.Failures);
        }
        Assert.Equal(data.CaseRows, back.CaseRows);
    }
}
