namespace Dongming.Domain.Tests;

public class IndicatorCatalogTests
{
    private static IndicatorCatalog Catalog => TestData.Catalog;

    private static IndicatorDefinition Def(string code, string unit = "head", IndicatorKind kind = IndicatorKind.Stock, EnteredAt enteredAt = EnteredAt.Village, string? partOf = null, string category = "livestock") =>
        new(code, "测试", "Test", unit, category, kind, enteredAt, partOf);

    [Fact]
    public void TsvParser_QuotedFieldWithDoubledQuotes_IsUnquoted()
    {
        Assert.Equal(["a", "\"One matter, one discussion\" projects", "", "b"], TestData.SplitTsvLine("a\t\"\"\"One matter, one discussion\"\" projects\"\t\tb"));
    }

    [Fact]
    public void Catalog_FromFile_HasEveryRow()
    {
        var rows = File.ReadAllLines(TestData.PathOf("indicators.tsv")).Count(l => l.Length > 0) - 1;
        Assert.Equal(rows, TestData.IndicatorRows.Count);
        Assert.Equal(rows, Catalog.Count);
        Assert.Equal(rows, TestData.IndicatorRows.Select(d => d.Code).Distinct().Count());
    }

    [Theory]
    [InlineData("one_matter_projects_completed", "\"One matter, one discussion\" projects completed")]
    [InlineData("nearby_service_items", "Items handled \"nearby\" (就近办)")]
    [InlineData("livestock_total", "Livestock on hand, total")]
    public void Catalog_FromFile_QuotedNamesAreUnquoted(string code, string nameEn)
    {
        Assert.True(Catalog.TryGet(code, out var d));
        Assert.Equal(nameEn, d.NameEn);
    }

    [Theory]
    [InlineData("livestock_total", "livestock_cattle,livestock_sheep")]
    [InlineData("livestock_cattle", "livestock_breeding_cows,livestock_fattening_cattle")]
    [InlineData("crop_featured_area", "crop_cash_other_area,crop_chili_area,crop_herbs_area,crop_watermelon_area")]
    [InlineData("livestock_sheep", "")]
    [InlineData("labour_export_income", "")]
    [InlineData("no_such_indicator", "")]
    public void PartsOf_ListsDirectParts(string code, string parts)
    {
        var expected = parts.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Catalog.PartsOf(code).Order(StringComparer.Ordinal));
        Assert.Equal(parts.Length > 0, Catalog.IsComputed(code));
    }

    [Fact]
    public void IsComputed_ExactlyTheIndicatorsNamedAsParent()
    {
        var parents = TestData.IndicatorRows.Where(d => d.PartOf is not null).Select(d => d.PartOf!).ToHashSet();
        Assert.Equal(["crop_featured_area", "livestock_cattle", "livestock_total"], parents.Order(StringComparer.Ordinal));
        foreach (var d in TestData.IndicatorRows) Assert.Equal(parents.Contains(d.Code), Catalog.IsComputed(d.Code));
    }

    [Theory]
    [InlineData("livestock_breeding_cows", "livestock_cattle,livestock_total")]
    [InlineData("livestock_fattening_cattle", "livestock_cattle,livestock_total")]
    [InlineData("livestock_cattle", "livestock_total")]
    [InlineData("livestock_sheep", "livestock_total")]
    [InlineData("crop_chili_area", "crop_featured_area")]
    [InlineData("livestock_total", "")]
    [InlineData("labour_export_income", "")]
    [InlineData("no_such_indicator", "")]
    public void AncestorsOf_NearestFirst(string code, string ancestors) =>
        Assert.Equal(ancestors.Split(',', StringSplitOptions.RemoveEmptyEntries), Catalog.AncestorsOf(code));

    [Fact]
    public void With_IdenticalDefinition_IsIdempotent()
    {
        Assert.True(Catalog.TryGet("livestock_sheep", out var sheep));
        var copy = sheep with { };
        Assert.Same(Catalog, Catalog.With(copy));
        Assert.Same(Catalog, Catalog.With(copy, seeding: true));
    }

    [Theory]
    [InlineData("name_en")]
    [InlineData("unit")]
    [InlineData("kind")]
    [InlineData("part_of")]
    public void With_DifferentDefinitionForExistingCode_IsAlreadyExists(string change)
    {
        Assert.True(Catalog.TryGet("livestock_sheep", out var sheep));
        var changed = change switch
        {
            "name_en" => sheep with { NameEn = "Sheep and goats on hand" },
            "unit" => sheep with { Unit = "person" },
            "kind" => sheep with { Kind = IndicatorKind.Flow },
            _ => sheep with { PartOf = null },
        };
        var e = TestData.Throws(() => Catalog.With(changed));
        Assert.Equal(ErrorKind.AlreadyExists, e.Kind);
    }

    [Fact]
    public void With_NewLeaf_ReturnsNewCatalogAndLeavesOldUnchanged()
    {
        var before = Catalog.Count;
        var next = Catalog.With(Def("high_standard_farmland_area", unit: "mu", category: "agriculture"));
        Assert.Equal(before + 1, next.Count);
        Assert.True(next.Contains("high_standard_farmland_area"));
        Assert.False(Catalog.Contains("high_standard_farmland_area"));
        Assert.Equal(before, Catalog.Count);
    }

    [Fact]
    public void With_PartOfComputedParent_AddsPart()
    {
        var next = Catalog.With(Def("livestock_horses", partOf: "livestock_total"));
        Assert.Equal(["livestock_cattle", "livestock_horses", "livestock_sheep"], next.PartsOf("livestock_total").Order(StringComparer.Ordinal));
        Assert.Equal(2, Catalog.PartsOf("livestock_total").Count);
    }

    [Fact]
    public void With_PartOfUnknownParent_IsInvalid()
    {
        var e = TestData.Throws(() => Catalog.With(Def("livestock_goats", partOf: "livestock_smallstock")));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("indicator.part_of", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void With_PartOfLeafParent_IsFailedPrecondition()
    {
        var e = TestData.Throws(() => Catalog.With(Def("livestock_goats", partOf: "livestock_sheep")));
        Assert.Equal(ErrorKind.FailedPrecondition, e.Kind);
        Assert.False(Catalog.IsComputed("livestock_sheep"));
    }

    [Fact]
    public void With_PartOfLeafParentWhileSeeding_IsAccepted()
    {
        var next = Catalog.With(Def("livestock_goats", partOf: "livestock_sheep"), seeding: true);
        Assert.True(next.IsComputed("livestock_sheep"));
        Assert.Equal(["livestock_goats"], next.PartsOf("livestock_sheep"));
        Assert.Equal(["livestock_sheep", "livestock_total"], next.AncestorsOf("livestock_goats"));
    }

    [Theory]
    [InlineData("person", IndicatorKind.Stock, EnteredAt.Village)]
    [InlineData("mu", IndicatorKind.Stock, EnteredAt.Village)]
    [InlineData("head", IndicatorKind.Flow, EnteredAt.Village)]
    [InlineData("head", IndicatorKind.Stock, EnteredAt.Township)]
    public void With_PartWithOtherUnitKindOrEnteredAt_IsInvalid(string unit, IndicatorKind kind, EnteredAt enteredAt)
    {
        // livestock_total is head / stock / village.
        var e = TestData.Throws(() => Catalog.With(Def("livestock_horses", unit: unit, kind: kind, enteredAt: enteredAt, partOf: "livestock_total"), seeding: true));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("indicator.part_of", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void With_PartOfRatio_IsInvalid()
    {
        var e = TestData.Throws(() => Catalog.With(Def("two_cancer_cervical_coverage", unit: "ratio", kind: IndicatorKind.Ratio, enteredAt: EnteredAt.Township, partOf: "two_cancer_screening_coverage"), seeding: true));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("indicator.part_of", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("person", IndicatorKind.Ratio)]
    [InlineData("ratio", IndicatorKind.Stock)]
    [InlineData("ratio", IndicatorKind.Flow)]
    public void With_RatioKindAndUnitDisagree_IsInvalid(string unit, IndicatorKind kind)
    {
        var e = TestData.Throws(() => Catalog.With(Def("new_coverage", unit: unit, kind: kind, enteredAt: EnteredAt.Township)));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("indicator.kind", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void With_RatioKindWithRatioUnit_IsAccepted() =>
        Assert.True(Catalog.With(Def("new_coverage", unit: "ratio", kind: IndicatorKind.Ratio, enteredAt: EnteredAt.Township)).Contains("new_coverage"));

    [Theory]
    [InlineData("Bad-Code", "head", "livestock", "indicator.code")]
    [InlineData("new_thing", "kg", "livestock", "indicator.unit")]
    [InlineData("new_thing", "", "livestock", "indicator.unit")]
    [InlineData("new_thing", "head", "Live Stock", "indicator.category")]
    public void With_MalformedDefinition_NamesField(string code, string unit, string category, string field)
    {
        var e = TestData.Throws(() => Catalog.With(Def(code, unit: unit, category: category)));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(field, TestData.Fields(e));
    }

    [Fact]
    public void With_MissingNames_AreRejectedTogether()
    {
        var e = TestData.Throws(() => Catalog.With(new IndicatorDefinition("new_thing", "", " ", "head", "livestock", IndicatorKind.Stock, EnteredAt.Village, null)));
        Assert.Equal(["indicator.name_en", "indicator.name_zh"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }
}

/// <summary>Checks of the demo data against the catalog.</summary>
public class DemoDataTests
{
    private static IReadOnlyDictionary<string, decimal> TownshipFigures()
    {
        var figures = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var row in TestData.ReadTsv("township-2023.tsv"))
        {
            Assert.True(ExactDecimal.TryParse(row["value"], out var value, out var error), $"{row["code"]}: {error}");
            Assert.True(figures.TryAdd(row["code"], value), $"{row["code"]} appears twice");
        }
        return figures;
    }

    [Fact]
    public void TownshipFigures_EveryComputedIndicatorEqualsSumOfItsParts()
    {
        var catalog = TestData.Catalog;
        var figures = TownshipFigures();
        var computed = catalog.All.Where(d => catalog.IsComputed(d.Code)).Select(d => d.Code).ToList();
        Assert.Equal(3, computed.Count);
        foreach (var code in computed)
        {
            Assert.True(figures.ContainsKey(code), $"{code} has no figure");
            var parts = catalog.PartsOf(code);
            Assert.All(parts, p => Assert.True(figures.ContainsKey(p), $"{p} (part of {code}) has no figure"));
            var sum = parts.Sum(p => figures[p]);
            Assert.True(figures[code] == sum, $"{code} = {ExactDecimal.Format(figures[code])} but its parts ({string.Join(" + ", parts)}) add up to {ExactDecimal.Format(sum)}");
        }
    }

    [Theory]
    [InlineData("crop_featured_area", "111000")]
    [InlineData("livestock_total", "141000")]
    [InlineData("livestock_cattle", "57000")]
    public void TownshipFigures_ComputedTotalsAsInTheReport(string code, string reported)
    {
        // 全镇特色作物种植面积突破11万亩 / 总存栏量达14万余头只 / 牛5.7万头.
        Assert.Equal(ExactDecimal.TryParse(reported, out var v, out _) ? v : -1, TownshipFigures()[code]);
    }

    [Fact]
    public void TownshipFigures_EveryCodeIsInCatalogAndEveryCatalogCodeHasFigure()
    {
        var figures = TownshipFigures();
        var notInCatalog = figures.Keys.Where(c => !TestData.Catalog.Contains(c)).ToList();
        var withoutFigure = TestData.Catalog.All.Select(d => d.Code).Where(c => !figures.ContainsKey(c)).ToList();
        Assert.Equal([], notInCatalog);
        Assert.Equal([], withoutFigure);
    }

    [Fact]
    public void TownshipFigures_EveryValueFitsItsUnit()
    {
        var v = new Violations();
        foreach (var (code, value) in TownshipFigures())
        {
            Assert.True(TestData.Catalog.TryGet(code, out var d));
            Units.CheckValue(v, code, d, value);
        }
        Assert.Empty(v.Items);
    }

    [Fact]
    public void TownshipFigures_AtLeastBoundsHold()
    {
        foreach (var row in TestData.ReadTsv("township-2023.tsv"))
        {
            var exactness = row["exactness"];
            if (exactness == "exact") continue;
            Assert.StartsWith("at_least:", exactness, StringComparison.Ordinal);
            Assert.True(ExactDecimal.TryParse(exactness["at_least:".Length..], out var bound, out _));
            Assert.True(decimal.Parse(row["value"], System.Globalization.CultureInfo.InvariantCulture) >= bound, row["code"]);
        }
    }
}
