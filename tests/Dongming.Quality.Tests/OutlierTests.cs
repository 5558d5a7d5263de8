using Dongming.Domain;
using FsCheck.Xunit;

namespace Dongming.Quality.Tests;

public class OutlierTests
{
    private static List<OrgUnitValue> Villages(params decimal?[] values) =>
        [.. values.Select((v, i) => new OrgUnitValue($"v-{i + 1:D2}", v))];

    [Fact]
    public void ZScore_IsDecidedExactly_AtTheThreshold()
    {
        // Nine villages at 100 and one at 1000: mean 190, population standard deviation 270, z = 810 ÷ 270 = 3 exactly.
        var values = Villages(100, 100, 100, 100, 100, 100, 100, 100, 100, 1000);
        var atThreshold = Outliers.AcrossVillages(values, OutlierMethod.ZScore, 3m);
        Assert.Empty(atThreshold.Outliers); // 3 is not above 3
        Assert.Null(atThreshold.NoOutliersReason);
        Assert.Equal(("190", "270", 10), (atThreshold.Centre, atThreshold.Spread, atThreshold.ValuesJudged));

        var below = Outliers.AcrossVillages(values, OutlierMethod.ZScore, 2.9m);
        var outlier = Assert.Single(below.Outliers);
        Assert.Equal(("v-10", 1000m, 3m), (outlier.OrgUnitId, outlier.Value, outlier.Statistic));
        Assert.Equal(("-593", "973"), (outlier.LowerBound, outlier.UpperBound)); // 190 ± 2.9 × 270
    }

    [Fact]
    public void ZScore_RanksByTheStatistic_WithSign()
    {
        var values = Villages(50, 52, 48, 51, 49, 50, 50, 0, 100, 50, 50, 50, 51, 49, 50, 160);
        var result = Outliers.AcrossVillages(values, OutlierMethod.ZScore, 1.3m);
        Assert.Equal(["v-16", "v-08", "v-09"], result.Outliers.Select(o => o.OrgUnitId));
        Assert.Equal([3.2254m, -1.7789m, 1.3488m], result.Outliers.Select(o => o.Statistic)); // mean 56.875
    }

    [Fact]
    public void ModifiedZScore_UsesMedianAndMad()
    {
        // median 3, MAD 1: 0.6745 × (100 − 3) ÷ 1 = 65.4265; bounds 3 ± 3.5 ÷ 0.6745.
        var result = Outliers.AcrossVillages(Villages(1, 2, 3, 4, 100), OutlierMethod.ModifiedZScore, 3.5m);
        var outlier = Assert.Single(result.Outliers);
        Assert.Equal(("v-05", 65.4265m), (outlier.OrgUnitId, outlier.Statistic));
        Assert.Equal(("3", "1", "-2.189", "8.189"), (result.Centre, result.Spread, result.LowerBound, result.UpperBound));
    }

    [Fact]
    public void ModifiedZScore_EvenCount_TakesTheMeanOfTheMiddleTwo()
    {
        Assert.Equal(Rational.Of(5, 2), Outliers.Median([4, 1, 3, 2]));
        var result = Outliers.AcrossVillages(Villages(1, 2, 3, 4, 5, 1000), OutlierMethod.ModifiedZScore, 3.5m);
        Assert.Equal("3.5", result.Centre);
        Assert.Equal("v-06", Assert.Single(result.Outliers).OrgUnitId);
    }

    [Theory]
    [InlineData(OutlierMethod.ZScore)]
    [InlineData(OutlierMethod.ModifiedZScore)]
    public void FewerThanThreeValues_NoOutliers_WithTheReason(OutlierMethod method)
    {
        var result = Outliers.AcrossVillages(Villages(1, 1_000_000, null, null), method, 1m);
        Assert.Empty(result.Outliers);
        Assert.StartsWith("fewer than 3 values (2)", result.NoOutliersReason, StringComparison.Ordinal);
        Assert.Equal(["v-03", "v-04"], result.NotChecked.Select(n => n.OrgUnitId));
    }

    [Fact]
    public void ZeroVariance_NoOutliers_WithTheReason()
    {
        var result = Outliers.AcrossVillages(Villages(7, 7, 7, 7), OutlierMethod.ZScore, 1m);
        Assert.Empty(result.Outliers);
        Assert.Equal("all 4 values are equal (zero variance): none stands out", result.NoOutliersReason);
    }

    [Fact]
    public void MadOfZero_NoOutliers_WithTheReason()
    {
        var result = Outliers.AcrossVillages(Villages(5, 5, 5, 100), OutlierMethod.ModifiedZScore, 3.5m);
        Assert.Empty(result.Outliers);
        Assert.StartsWith("the median absolute deviation is 0", result.NoOutliersReason, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingValues_AreNotTakenAsZero()
    {
        var result = Outliers.AcrossVillages(Villages(100, 101, 99, 100, null, null, null), OutlierMethod.ModifiedZScore, 3.5m);
        Assert.Empty(result.Outliers);
        Assert.Equal(4, result.ValuesJudged);
        Assert.All(result.NotChecked, n => Assert.Equal("no value", n.Reason));
    }

    [Fact]
    public void ZScore_OnFifteenDigitFigures_DoesNotOverflow()
    {
        var result = Outliers.AcrossVillages(Villages(999_999_999_999_999.9999m, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), OutlierMethod.ZScore, 3m);
        var outlier = Assert.Single(result.Outliers);
        Assert.Equal(3.3166m, outlier.Statistic); // (n − 1) ÷ √n = 11 ÷ √12
    }

    [Fact]
    public void MinMax_FlagsValuesOutsideTheBounds_RankedByDistance()
    {
        var result = Outliers.AcrossVillages(Villages(5, 50, 120, 200, null), OutlierMethod.MinMax, 0m, min: 10, max: 150);
        Assert.Equal([("v-04", 50m), ("v-01", -5m)], result.Outliers.Select(o => (o.OrgUnitId, o.Statistic)));
        Assert.Equal(("10", "150"), (result.LowerBound, result.UpperBound));
        var onlyMax = Outliers.AcrossVillages(Villages(5, 200), OutlierMethod.MinMax, 0m, max: 150);
        Assert.Equal(("-∞", "150"), (onlyMax.LowerBound, onlyMax.UpperBound));
        Assert.Equal("v-02", Assert.Single(onlyMax.Outliers).OrgUnitId);
    }

    [Fact]
    public void BadParameters_AreRefusedWithEveryField()
    {
        var e = Assert.Throws<DomainException>(() => Outliers.AcrossVillages(Villages(1, 2, 3), OutlierMethod.ZScore, 0m));
        Assert.Equal(["threshold"], TestData.Fields(e));
        e = Assert.Throws<DomainException>(() => Outliers.AcrossVillages(Villages(1, 2, 3), OutlierMethod.MinMax, 0m));
        Assert.Equal(["min"], TestData.Fields(e));
        e = Assert.Throws<DomainException>(() => Outliers.AcrossVillages([new("a1", 1), new("a1", 2)], OutlierMethod.MinMax, 0m, min: 5, max: 1));
        Assert.Equal(["max", "values"], TestData.Fields(e));
        e = Assert.Throws<DomainException>(() => Outliers.OverTime(Period.Parse("2023"), [], 1m));
        Assert.Equal(["threshold"], TestData.Fields(e));
    }

    [Fact]
    public void OverTime_ComparesWithTheLatestEarlierPeriodOfTheSameSeason()
    {
        static PeriodValue P(string period, decimal value) => new(Period.Parse(period), value);
        var villages = new VillageHistory[]
        {
            new("up-tenfold", 1000, [P("2021", 90), P("2022", 100)]),
            new("steady", 120, [P("2022", 100)]),
            new("new", 50, []),
            new("from-zero", 80, [P("2022", 0)]),
            new("down-fivefold", 10, [P("2021", 50), P("2022Q4", 10)]), // no 2022: 2021 is the base; a quarter is not
            new("no-value", null, [P("2022", 100)]),
            new("to-zero", 0, [P("2022", 40)]),
        };
        var result = Outliers.OverTime(Period.Parse("2023"), villages, 3m);
        Assert.Equal(["to-zero", "up-tenfold", "down-fivefold"], result.Outliers.Select(o => o.OrgUnitId));
        var up = result.Outliers[1];
        Assert.Equal((10m, Period.Parse("2022"), 100m, "33.3333", "300"), (up.Statistic, up.BasePeriod, up.BaseValue, up.LowerBound, up.UpperBound));
        var down = result.Outliers[2];
        Assert.Equal((0.2m, Period.Parse("2021")), (down.Statistic, down.BasePeriod));
        Assert.Equal(["from-zero", "new", "no-value"], result.NotChecked.Select(n => n.OrgUnitId));
        Assert.Contains("the value of 2022 is 0", result.NotChecked[0].Reason, StringComparison.Ordinal);
        Assert.Equal(4, result.ValuesJudged);
    }

    [Fact]
    public void OverTime_Quarter_ComparesWithTheSameQuarterOfAnEarlierYear()
    {
        static PeriodValue P(string period, decimal value) => new(Period.Parse(period), value);
        var seasonal = new VillageHistory("datai", 400, [P("2023Q3", 40), P("2022Q4", 380)]);
        var result = Outliers.OverTime(Period.Parse("2023Q4"), [seasonal], 3m);
        Assert.Empty(result.Outliers); // 400 against 380 of 2022Q4, not against 40 of 2023Q3
        Assert.Equal(1, result.ValuesJudged);
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 200)]
    public bool AcrossVillages_AnyValues_RankedAndAboveTheThreshold_NeverThrows(Figure[] figures, bool modified)
    {
        var values = figures.Select((f, i) => new OrgUnitValue($"v-{i}", decimal.Abs(f.Value))).ToList();
        var threshold = modified ? 3.5m : 1.5m;
        var result = Outliers.AcrossVillages(values, modified ? OutlierMethod.ModifiedZScore : OutlierMethod.ZScore, threshold);
        var stats = result.Outliers.Select(o => decimal.Abs(o.Statistic)).ToList();
        return (result.NoOutliersReason is null || result.Outliers.Count == 0)
            && stats.Zip(stats.Skip(1)).All(p => p.First >= p.Second)
            && stats.All(s => s >= threshold)
            && (values.Count >= 3 || result.NoOutliersReason is not null);
    }
}
