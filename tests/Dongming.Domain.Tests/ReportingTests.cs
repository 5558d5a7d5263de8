namespace Dongming.Domain.Tests;

public class ReportingTests
{
    private static IndicatorCatalog Catalog => TestData.Catalog;

    private static ValidatedReport Validate(OrgUnitLevel level, params ReportLine[] lines) =>
        Reporting.Validate(Catalog, level, new ReportCommand("datai", "2023", lines, "req-1", null));

    private static DomainException Rejected(OrgUnitLevel level, params ReportLine[] lines) =>
        TestData.Throws(() => Validate(level, lines));

    private static ReportLine L(string indicator, string value) => new(indicator, value);

    [Fact]
    public void Validate_ValidReport_KeepsPeriodFiguresAndComment()
    {
        var r = Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023Q4", [L("livestock_sheep", "840"), L("labour_export_income", "1234.50"), L("crop_watermelon_area", "12.375")], "req-1", "第四季度\n大台"));
        Assert.Equal(Period.Parse("2023Q4"), r.Period);
        Assert.Equal("第四季度\n大台", r.Comment);
        Assert.Equal(
            [new ReportedFigure("livestock_sheep", 840m), new ReportedFigure("labour_export_income", 1234.5m), new ReportedFigure("crop_watermelon_area", 12.375m)],
            r.Figures);
    }

    [Fact]
    public void Validate_EmptyComment_BecomesNull()
    {
        var r = Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023", [L("livestock_sheep", "1")], "req-1", ""));
        Assert.Null(r.Comment);
    }

    // Units.CheckValue, through Validate.
    [Theory]
    [InlineData("livestock_sheep", "0")]
    [InlineData("livestock_sheep", "84000")]
    [InlineData("livestock_sheep", "12.0")]
    [InlineData("labour_export_persons", "8400")]
    [InlineData("dibao_households", "2581")]
    [InlineData("voluntary_trees_planted", "42900")]
    [InlineData("selfbuilt_buildings_inspected", "12106")]
    [InlineData("antifraud_app_installs", "33800")]
    [InlineData("labour_export_income", "274000000")]
    [InlineData("labour_export_income", "1234.56")]
    [InlineData("labour_export_income", "1234.5")]
    [InlineData("labour_export_income", "1234.560")]
    [InlineData("labour_export_income", "0.01")]
    [InlineData("crop_watermelon_area", "0.125")]
    [InlineData("crop_watermelon_area", "20000")]
    public void ReportValues_WellFormedForUnit_IsAccepted(string indicator, string value)
    {
        var r = Validate(OrgUnitLevel.Village, L(indicator, value));
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(r.Figures).Value);
    }

    [Theory]
    [InlineData("livestock_sheep", "12.5")]
    [InlineData("livestock_sheep", "0.1")]
    [InlineData("livestock_sheep", "-1")]
    [InlineData("livestock_breeding_cows", "-40000")]
    [InlineData("labour_export_persons", "3.5")]
    [InlineData("labour_export_persons", "-3")]
    [InlineData("dibao_households", "0.5")]
    [InlineData("monitored_new_households", "-1")]
    [InlineData("voluntary_trees_planted", "1.01")]
    [InlineData("specialised_breeding_cow_village", "0.5")]
    [InlineData("labour_export_income", "1234.567")]
    [InlineData("labour_export_income", "0.001")]
    [InlineData("labour_export_income", "-0.01")]
    [InlineData("crop_watermelon_area", "-0.5")]
    public void ReportValues_BadValueForUnit_IsRejected(string indicator, string value)
    {
        var e = Rejected(OrgUnitLevel.Village, L(indicator, value));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("values[0].value", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void ReportValues_NegativeHeadCount_IsRejected()
    {
        var e = Rejected(OrgUnitLevel.Village, L("livestock_sheep", "10"), L("livestock_breeding_cows", "-5"));
        var violation = Assert.Single(e.Violations);
        Assert.Equal("values[1].value", violation.Field);
        Assert.Contains("negative", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.9694")]
    [InlineData("1")]
    [InlineData("1.0")]
    public void ReportValues_RatioInRange_IsAccepted(string value) =>
        Assert.Single(Validate(OrgUnitLevel.Township, L("two_cancer_screening_coverage", value)).Figures);

    [Theory]
    [InlineData("1.0001")]
    [InlineData("96.94")]
    [InlineData("-0.1")]
    [InlineData("2")]
    public void ReportValues_RatioOutOfRange_IsRejected(string value)
    {
        var e = Rejected(OrgUnitLevel.Township, L("two_cancer_screening_coverage", value));
        Assert.Equal("values[0].value", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void Validate_EmptyBatch_IsRejected()
    {
        var e = Rejected(OrgUnitLevel.Village);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("values", Assert.Single(e.Violations).Field);
    }

    private static IndicatorCatalog ManyIndicators(int n) =>
        new(Enumerable.Range(0, n).Select(i => new IndicatorDefinition($"ind_{i:D3}", "指标", "Indicator", "person", "test", IndicatorKind.Flow, EnteredAt.Village, null)));

    [Fact]
    public void Validate_MaxBatchSize_IsAccepted()
    {
        var lines = Enumerable.Range(0, Reporting.MaxBatchSize).Select(i => L($"ind_{i:D3}", "1")).ToList();
        var r = Reporting.Validate(ManyIndicators(250), OrgUnitLevel.Village, new ReportCommand("datai", "2023", lines, "req-1", null));
        Assert.Equal(200, r.Figures.Count);
    }

    [Fact]
    public void Validate_MoreThan200Values_IsRejected()
    {
        var lines = Enumerable.Range(0, 201).Select(i => L($"ind_{i:D3}", "1")).ToList();
        var e = TestData.Throws(() => Reporting.Validate(ManyIndicators(250), OrgUnitLevel.Village, new ReportCommand("datai", "2023", lines, "req-1", null)));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("values", TestData.Fields(e));
    }

    [Fact]
    public void Validate_DuplicateIndicator_IsRejectedAtSecondLine()
    {
        var e = Rejected(OrgUnitLevel.Village, L("livestock_sheep", "1"), L("labour_export_persons", "2"), L("livestock_sheep", "1"));
        var violation = Assert.Single(e.Violations);
        Assert.Equal("values[2].indicator", violation.Field);
        Assert.Contains("livestock_sheep", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownIndicator_IsNotFound()
    {
        var e = Rejected(OrgUnitLevel.Village, L("livestock_sheep", "1"), L("livestock_camels", "2"));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("livestock_camels", e.Message, StringComparison.Ordinal);
        var violation = Assert.Single(e.Violations);
        Assert.Equal("values[1].indicator", violation.Field);
        Assert.Contains("livestock_camels", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownIndicatorAndMalformedField_AreReportedTogether()
    {
        // A clerk fixing a batch sees every bad line at once: the unknown code is one of the field violations.
        var e = Rejected(OrgUnitLevel.Village, L("livestock_camels", "2"), L("livestock_sheep", "-1"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["values[0].indicator", "values[1].value"], TestData.Fields(e));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Livestock_Sheep")]
    [InlineData("livestock-sheep")]
    public void Validate_MalformedIndicatorCode_IsRejected(string code)
    {
        var e = Rejected(OrgUnitLevel.Village, L(code, "1"));
        Assert.Equal("values[0].indicator", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("livestock_total")]
    [InlineData("livestock_cattle")]
    [InlineData("crop_featured_area")]
    public void Validate_ComputedIndicator_IsRejected(string code)
    {
        var e = Rejected(OrgUnitLevel.Village, L(code, "100"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        var violation = Assert.Single(e.Violations);
        Assert.Equal("values[0].indicator", violation.Field);
        foreach (var part in Catalog.PartsOf(code)) Assert.Contains(part, violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ComputedIndicatorAtTownshipLevel_IsAlsoRejected()
    {
        var e = Rejected(OrgUnitLevel.Township, L("livestock_total", "100"));
        Assert.Equal("values[0].indicator", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("regional_epidemics", "0")]
    [InlineData("disinfection_area", "3380000")]
    [InlineData("two_cancer_screening_coverage", "0.9694")]
    [InlineData("citizens_served", "800")]
    public void Validate_TownshipIndicator_RejectedForVillageAcceptedForTownship(string code, string value)
    {
        var e = Rejected(OrgUnitLevel.Village, L(code, value));
        Assert.Equal("values[0].indicator", Assert.Single(e.Violations).Field);

        var r = Validate(OrgUnitLevel.Township, L(code, value));
        Assert.Equal(code, Assert.Single(r.Figures).Indicator);
    }

    [Fact]
    public void Validate_VillageIndicatorByTownship_IsAccepted()
    {
        // The township may add its own entry to a village figure (the town area in greening maintenance).
        var r = Validate(OrgUnitLevel.Township, L("greening_maintenance_sites", "1"));
        Assert.Single(r.Figures);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_MissingRequestId_IsRejected(string? requestId)
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023", [L("livestock_sheep", "1")], requestId, null)));
        Assert.Equal("request_id", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2023Q5")]
    [InlineData("2023-13")]
    [InlineData("23")]
    [InlineData("1999")]
    public void Validate_BadPeriod_IsRejected(string? period)
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", period, [L("livestock_sheep", "1")], "req-1", null)));
        Assert.Equal("period", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("bad\u0000comment")]
    [InlineData("bell\u0007")]
    [InlineData("sep\u2028arator")]
    [InlineData("lone \uD800 surrogate")]
    public void Validate_CommentWithControlCharacters_IsRejected(string comment)
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023", [L("livestock_sheep", "1")], "req-1", comment)));
        Assert.Equal("comment", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void Validate_CommentTooLong_IsRejected()
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023", [L("livestock_sheep", "1")], "req-1", new string('字', Text.MaxNoteLength + 1))));
        Assert.Equal("comment", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void Validate_SeveralProblems_AreReportedTogether()
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023Q5", [
                L("livestock_sheep", "-1"),          // negative count
                L("livestock_total", "5"),           // computed
                L("Bad Code", "1"),                  // malformed code
                L("labour_export_income", "1.234"),  // three decimals of yuan
                L("labour_export_persons", "1e3"),   // exponent
                L("regional_epidemics", "0"),        // township only
            ], null, "bad\u0001")));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(
            new[] { "comment", "period", "request_id", "values[0].value", "values[1].indicator", "values[2].indicator", "values[3].value", "values[4].value", "values[5].indicator" },
            TestData.Fields(e).Order(StringComparer.Ordinal));
        Assert.StartsWith("9 invalid fields", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_SameReportInAnotherOrder_IsEqual()
    {
        var a = Validate(OrgUnitLevel.Village, L("livestock_sheep", "840"), L("labour_export_persons", "12"), L("crop_chili_area", "35.5"));
        var b = Validate(OrgUnitLevel.Village, L("crop_chili_area", "35.50"), L("livestock_sheep", "840"), L("labour_export_persons", "12"));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
    }

    [Theory]
    [InlineData("datai", "2023", "841", null)]
    [InlineData("xiaotai", "2023", "840", null)]
    [InlineData("datai", "2023Q4", "840", null)]
    [InlineData("datai", "2023", "840", "补报")]
    public void Fingerprint_AnyDifference_Differs(string orgUnit, string period, string sheep, string? comment)
    {
        var baseline = Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023", [L("livestock_sheep", "840"), L("labour_export_persons", "12")], "req-1", null));
        var other = Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand(orgUnit, period, [L("livestock_sheep", sheep), L("labour_export_persons", "12")], "req-1", comment));
        Assert.NotEqual(baseline.Fingerprint, other.Fingerprint);
    }

    [Fact]
    public void Fingerprint_ExtraLine_Differs()
    {
        var a = Validate(OrgUnitLevel.Village, L("livestock_sheep", "840"));
        var b = Validate(OrgUnitLevel.Village, L("livestock_sheep", "840"), L("labour_export_persons", "0"));
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void Fingerprint_NullAndEmptyPart_Differ() =>
        Assert.NotEqual(Reporting.Fingerprint("a", null, "b"), Reporting.Fingerprint("a", "", "b"));

    [Fact]
    public void Fingerprint_PartBoundaries_Matter() =>
        Assert.NotEqual(Reporting.Fingerprint("ab", "c"), Reporting.Fingerprint("a", "bc"));

    // ---- at-least values, the value range, unknown codes among other errors ----

    [Fact]
    public void Validate_AtLeastLine_IsALowerBoundFigure()
    {
        var r = Validate(OrgUnitLevel.Village, new ReportLine("labour_export_persons", "8400", AtLeast: true), L("livestock_sheep", "10"));
        Assert.Equal([new ReportedFigure("labour_export_persons", 8400, AtLeast: true), new ReportedFigure("livestock_sheep", 10)], r.Figures);
    }

    [Fact]
    public void Validate_AtLeastRatio_IsRejected()
    {
        var e = Rejected(OrgUnitLevel.Township, new ReportLine("two_cancer_screening_coverage", "0.9", AtLeast: true));
        Assert.Equal("values[0].at_least", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void Fingerprint_AtLeastOrExact_Differs()
    {
        var exact = Validate(OrgUnitLevel.Village, L("labour_export_persons", "8400"));
        var atLeast = Validate(OrgUnitLevel.Village, new ReportLine("labour_export_persons", "8400", AtLeast: true));
        Assert.NotEqual(exact.Fingerprint, atLeast.Fingerprint);
    }

    [Theory]
    [InlineData("crop_watermelon_area", "1000000000000000")]        // 16 integer digits
    [InlineData("crop_watermelon_area", "999999999999999.99999")]   // 5 decimals
    [InlineData("crop_watermelon_area", "0.12345")]                 // 5 decimals
    [InlineData("livestock_sheep", "9999999999999999999999999999")] // 28 digits: exact as a decimal, but no total could hold many of them
    [InlineData("labour_export_income", "1000000000000000")]
    [InlineData("two_cancer_screening_coverage", "0.1234567")]      // 7 decimals of a ratio
    public void Validate_ValueOutsideTheRange_IsRejected(string indicator, string value)
    {
        var level = indicator == "two_cancer_screening_coverage" ? OrgUnitLevel.Township : OrgUnitLevel.Village;
        var e = Rejected(level, L(indicator, value));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("values[0].value", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData("crop_watermelon_area", "999999999999999.9999")]
    [InlineData("crop_watermelon_area", "0.1234")]
    [InlineData("livestock_sheep", "999999999999999")]
    [InlineData("labour_export_income", "999999999999999.99")]
    [InlineData("two_cancer_screening_coverage", "0.998751")]
    public void Validate_ValueAtTheEdgeOfTheRange_IsAccepted(string indicator, string value)
    {
        var level = indicator == "two_cancer_screening_coverage" ? OrgUnitLevel.Township : OrgUnitLevel.Village;
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(Validate(level, L(indicator, value)).Figures).Value);
    }

    [Fact]
    public void Validate_EveryUnknownIndicatorWithSyntaxErrors_InOneInvalidArgument()
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, new ReportCommand("datai", "2023Q9",
            [L("no_such_one", "1"), L("livestock_sheep", "1.5"), L("no_such_two", "abc"), L("Bad Code", "1")], "req-1", null)));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["period", "values[0].indicator", "values[1].value", "values[2].indicator", "values[2].value", "values[3].indicator"], TestData.Fields(e).Order(StringComparer.Ordinal));
        Assert.Contains(e.Violations, v => v.Field == "values[0].indicator" && v.Description.Contains("no_such_one", StringComparison.Ordinal));
        Assert.Contains(e.Violations, v => v.Field == "values[2].indicator" && v.Description.Contains("no_such_two", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OnlyUnknownIndicators_IsNotFoundNamingEveryOne()
    {
        var e = Rejected(OrgUnitLevel.Village, L("no_such_one", "1"), L("livestock_sheep", "2"), L("no_such_two", "3"));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Equal(["values[0].indicator", "values[2].indicator"], TestData.Fields(e));
        Assert.Contains("no_such_one", e.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_two", e.Message, StringComparison.Ordinal);
    }

    // ---- clearing values ----

    private static ClearCommand Clear(string? period, IReadOnlyList<string> indicators, string? reason = "录入错误", string? requestId = "req-2") =>
        new("datai", period, indicators, requestId, reason);

    [Fact]
    public void ValidateClear_Valid_KeepsPeriodIndicatorsAndReason()
    {
        var c = Reporting.Validate(Catalog, OrgUnitLevel.Village, Clear("2023-11", ["livestock_sheep", "labour_export_income"]));
        Assert.Equal(Period.Parse("2023-11"), c.Period);
        Assert.Equal(["labour_export_income", "livestock_sheep"], c.Indicators.Order(StringComparer.Ordinal));
        Assert.Equal(("录入错误", "req-2", "datai"), (c.Reason, c.RequestId, c.OrgUnitId));
    }

    [Fact]
    public void ValidateClear_SameIndicatorsInAnotherOrder_HaveTheSameFingerprint_AnotherReasonDiffers()
    {
        var a = Reporting.Validate(Catalog, OrgUnitLevel.Village, Clear("2023", ["livestock_sheep", "labour_export_income"]));
        var b = Reporting.Validate(Catalog, OrgUnitLevel.Village, Clear("2023", ["labour_export_income", "livestock_sheep"]));
        var c = Reporting.Validate(Catalog, OrgUnitLevel.Village, Clear("2023", ["labour_export_income", "livestock_sheep"], reason: "不再统计"));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
        // A clear is never the same request as a report.
        Assert.NotEqual(a.Fingerprint, Validate(OrgUnitLevel.Village, L("livestock_sheep", "1")).Fingerprint);
    }

    [Fact]
    public void ValidateClear_EveryProblem_IsReportedTogether()
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village,
            Clear("2023Q0", ["livestock_sheep", "livestock_total", "livestock_sheep", "regional_epidemics", "Bad", "no_such_thing"], reason: " ", requestId: null)));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(["indicators[1]", "indicators[2]", "indicators[3]", "indicators[4]", "indicators[5]", "period", "reason", "request_id"], TestData.Fields(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ValidateClear_NothingToClear_IsRejected()
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, Clear("2023", [])));
        Assert.Equal("indicators", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void ValidateClear_OnlyUnknownIndicators_IsNotFound()
    {
        var e = TestData.Throws(() => Reporting.Validate(Catalog, OrgUnitLevel.Village, Clear("2023", ["no_such_thing"])));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Equal("indicators[0]", Assert.Single(e.Violations).Field);
    }
}
