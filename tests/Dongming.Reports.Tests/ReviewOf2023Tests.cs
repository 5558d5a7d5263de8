using System.Text.RegularExpressions;
using Dongming.Domain;
using Dongming.Domain.Tests;

namespace Dongming.Reports.Tests;

/// <summary>The review of 2023 written from the demo data, checked against the seed report's own wording.</summary>
public sealed partial class ReviewOf2023Tests(ReviewOf2023Tests.Fixture fixture) : IClassFixture<ReviewOf2023Tests.Fixture>
{
    /// <summary>The review of 2023, written once for the tests of this class.</summary>
    public sealed class Fixture
    {
        public RenderedReview Review { get; } = ReviewWriter.Render(DemoReview.Review2023, ReviewFormat.Markdown);

        /// <summary>The text before the notes and the appendix.</summary>
        public string Body => Review.Markdown[..Review.Markdown.IndexOf("\n## 数据说明", StringComparison.Ordinal)];
    }

    /// <summary>A figure as the seed report words it: qualifier, number, 万/亿, 余, counter, 以上 — or a word.</summary>
    [GeneratedRegex("(?:突破|超过)?[0-9]+(?:\\.[0-9]+)?(?:万|亿)?余?(?:平方米|头只|人次|元|亩|头|只|人|户|株|块|栋|次|件|个|轮|条|名|%)(?:以上)?|全覆盖|零发生", RegexOptions.CultureInvariant)]
    private static partial Regex SeedFigure();

    [GeneratedRegex("\\p{IsCJKUnifiedIdeographs}+$", RegexOptions.CultureInvariant)]
    private static partial Regex HanBefore();

    [GeneratedRegex("^\\p{IsCJKUnifiedIdeographs}+", RegexOptions.CultureInvariant)]
    private static partial Regex HanAfter();

    [GeneratedRegex("(?:19|20)[0-9]{2}年度?$", RegexOptions.CultureInvariant)]
    private static partial Regex YearLabel();

    [GeneratedRegex("【注[0-9、]+】", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    /// <summary>
    /// The seed's phrase of each figure of a quote, with the words that tie it to its subject: up to four Chinese
    /// characters before it (西瓜2万亩, 务工增收2.74亿元以上), or after it when it opens the quote (6个基础母牛).
    /// </summary>
    public static IEnumerable<(string Phrase, string InContext)> SeedPhrases(string quote)
    {
        foreach (Match m in SeedFigure().Matches(quote))
        {
            // A year label before the figure (2022年度5个) is a label, not the figure's subject: look past it.
            var before = HanBefore().Match(YearLabel().Replace(quote[..m.Index], string.Empty)).Value;
            var after = HanAfter().Match(quote[(m.Index + m.Length)..]).Value;
            var context = before.Length > 0 ? before[^Math.Min(4, before.Length)..] + m.Value : m.Value + after[..Math.Min(4, after.Length)];
            yield return (m.Value, context);
        }
    }

    public static TheoryData<string> QuotedIndicators() => [.. DemoReview.TownshipRows.Select(r => r["code"])];

    [Theory]
    [MemberData(nameof(QuotedIndicators))]
    public void Review2023_QuotedFigure_AppearsInTheSeedReportsWording(string indicator)
    {
        var quote = DemoReview.TownshipRows.Single(r => r["code"] == indicator)["quote"];
        var phrases = SeedPhrases(quote).ToList();
        Assert.NotEmpty(phrases);
        var body = Marker().Replace(fixture.Body, string.Empty);

        // The indicator's own figure is shown as one of the quote's phrases …
        var shown = fixture.Review.Figures.Where(f => f.Indicator == indicator).Select(f => f.Text).ToList();
        Assert.Contains(shown, text => phrases.Any(p => p.Phrase == text));
        // … and every phrase of the quote stands in the text with the words around it.
        foreach (var (_, inContext) in phrases) Assert.Contains(inContext, body);
    }

    /// <summary>Quotes whose narrative around the figures the data cannot support (the figures themselves are checked above).</summary>
    private static readonly Dictionary<string, string> NarrativeNotInData = new(StringComparer.Ordinal)
    {
        ["minority_development_fund"] = "新建养殖小区: what the fund built is not in the data",
        ["revitalisation_fund_invested"] = "道路硬化项目: what the fund paid for is not in the data",
        ["fiscal_fund_elderly_centre"] = "建成: whether the centre was finished is not in the data",
        ["one_matter_projects_completed"] = "2022年度: the programme year of the projects is not in the data",
        ["culture_week_peak_visitors"] = "the data holds the visitors, not the week's name and edition",
        ["labour_export_persons"] = "年初以来 is the review's period, written once",
        ["pension_contributors"] = "年初以来 is the review's period, written once",
    };

    [Fact]
    public void Review2023_Quotes_StandVerbatimUnlessTheirNarrativeIsNotData()
    {
        var body = Marker().Replace(fixture.Body, string.Empty);
        var missing = DemoReview.TownshipRows
            .Where(r => !NarrativeNotInData.ContainsKey(r["code"]) && !body.Contains(r["quote"], StringComparison.Ordinal))
            .Select(r => $"{r["code"]}: {r["quote"]}")
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Review2023_CaseSentences_ReadAsInTheReport()
    {
        var body = Marker().Replace(fixture.Body, string.Empty);
        foreach (var row in TestData.ReadTsv("cases-2023.tsv"))
        {
            // "……" in a quote elides words between its parts; each part stands in the text, in order.
            var at = 0;
            foreach (var part in row["quote"].Split("……"))
            {
                var found = body.IndexOf(part, at, StringComparison.Ordinal);
                Assert.True(found >= 0, $"{row["case_type"]}: \"{part}\" not in the review");
                at = found + part.Length;
            }
        }
    }

    [Fact]
    public void Review2023_CaseFigures_AreComputedFromTheCaseCounts()
    {
        var input = DemoReview.Review2023;
        int Sum(string type, Func<ReviewCaseCount, bool> which) => input.Cases.Where(c => c.CaseType == type && which(c)).Sum(c => c.Count);
        ShownFigure Case(string type, string text) => Assert.Single(fixture.Review.Figures, f => f.CaseType == type && f.Text == text && f.Measure == FigureMeasure.CaseCount);

        var forest = Case("forest_violation_patch", $"{Sum("forest_violation_patch", c => CaseLifecycle.IsCompleted(c.Status))}块");
        Assert.Equal(["2022-1", "2022-2", "2023-1", "2023-2"], forest.Batches);
        Assert.Equal([CaseStatus.Rectified], forest.Statuses);
        Assert.Equal(455, forest.Value);
        var disputes = Case("dispute", $"{Sum("dispute", c => c.Status == CaseStatus.Transferred)}件");
        Assert.Equal([CaseStatus.Transferred], disputes.Statuses);
        var rate = Assert.Single(fixture.Review.Figures, f => f.CaseType == "hotline_ticket" && f.Measure == FigureMeasure.CaseRate);
        Assert.Equal(("100%", 1m), (rate.Text, rate.Value));
        var flagged = Assert.Single(fixture.Review.Figures, f => f.CaseType == "assigned_petition" && f.Text == "6件");
        Assert.Equal(input.Cases.Where(c => c.CaseType == "assigned_petition").Sum(c => c.RepeatOrReturned), flagged.Value);
        Assert.Equal((CaseCountOf.RepeatOrReturned, CaseCountOf.Cases), (flagged.CountOf, forest.CountOf));
        // Sources: the org units holding the cases counted, at the versions given.
        var holders = input.Cases.Where(c => c.CaseType == "forest_violation_patch" && CaseLifecycle.IsCompleted(c.Status)).SelectMany(c => c.Sources).Select(s => s.OrgUnitId).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(holders, forest.Sources.Select(s => s.OrgUnitId));
    }

    [Fact]
    public void Review2023_PensionFigure_IsMarkedByItsRuleAndExplained()
    {
        var pension = Assert.Single(fixture.Review.Figures, f => f.Indicator == "pension_paid");
        Assert.Equal("1.5218亿元", pension.Text);
        Assert.Equal(DemoReview.PensionRule, Assert.Single(pension.Failures).Rule);
        var note = Assert.Single(fixture.Review.Notes, n => n.Number == Assert.Single(pension.Notes));
        Assert.Equal((NoteReason.FailedRule, DemoReview.PensionRule), (note.Reason, note.Rule));
        Assert.Contains(pension.Number, note.Figures);
        Assert.Contains($"发放养老金1.5218亿元【注{note.Number}】", fixture.Review.Markdown);
        Assert.Contains($"【注{note.Number}】", fixture.Review.Markdown[fixture.Review.Markdown.IndexOf("## 数据说明", StringComparison.Ordinal)..]);
        // Only the figure that fails is marked: the others of the demo pass and are approved.
        Assert.Equal([pension.Number], fixture.Review.Figures.Where(f => f.Marked).Select(f => f.Number));
    }

    [Fact]
    public void Review2023_EveryNumberOfTheText_IsAListedFigure()
    {
        // Strip every listed figure's wording, the markers and the labels (years, the hotline's name);
        // no digit may remain: each number of the text is in figures[].
        var text = Marker().Replace(fixture.Body, string.Empty);
        foreach (var f in fixture.Review.Figures.OrderByDescending(f => f.Text.Length)) text = text.Replace(f.Text, "▢", StringComparison.Ordinal);
        text = Regex.Replace(text, "(?:19|20)[0-9]{2}年", "▢年").Replace("“12345”", "“热线”", StringComparison.Ordinal);
        var unlisted = Regex.Matches(text, ".{0,12}[0-9]+.{0,12}").Select(m => m.Value).ToList();
        Assert.Empty(unlisted);
    }

    [Fact]
    public void Review2023_Figures_NameTheirSourceAndAreNumberedInOrder()
    {
        var input = DemoReview.Review2023;
        Assert.Equal(Enumerable.Range(1, fixture.Review.Figures.Count), fixture.Review.Figures.Select(f => f.Number));
        var body = fixture.Body;
        var positions = fixture.Review.Figures.Select(f => body.IndexOf(f.Text, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        foreach (var f in fixture.Review.Figures)
        {
            Assert.True(f.Indicator is not null || f.CaseType is not null, $"figure {f.Number} names neither indicator nor case type");
            Assert.NotEmpty(f.Sources);
            Assert.True(f.ShownValue <= f.Value, $"figure {f.Number} ({f.Text}) is shown above its value");
            if (f.Indicator is { } code && f.Measure == FigureMeasure.Total)
            {
                var held = input.Figures.Single(x => x.Indicator == code);
                Assert.Equal(held.Value, f.Value);
                Assert.Equal(held.Sources, f.Sources);
                Assert.Equal("2023", f.Period);
            }
        }
        // The appendix lists each figure with its indicator code and its org units with their versions.
        var appendix = fixture.Review.Markdown[fixture.Review.Markdown.IndexOf("## 附表", StringComparison.Ordinal)..];
        var water = Assert.Single(fixture.Review.Figures, f => f.Indicator == "water_saving_area" && f.Measure == FigureMeasure.Total);
        Assert.Contains($"| {water.Number} | 0.31万亩 | 3100 mu | 高效节水项目面积 `water_saving_area` | 2023 | 孟和浩来、英图、哈如拉 | 精确 |", appendix);
        var sheep = Assert.Single(fixture.Review.Figures, f => f.Indicator == "livestock_sheep");
        Assert.Contains($"| {sheep.Number} | 8.4万只 | 84000 head | 羊存栏 `livestock_sheep` | 2023 | 全镇33个嘎查村 | 精确 |", appendix);
        Assert.Equal(fixture.Review.Figures.Count, appendix.Split('\n').Count(l => Regex.IsMatch(l, "^\\| [0-9]+ \\|")));
        // Each org unit's version, once: the demo reads each ledger at one version.
        foreach (var s in input.Figures.SelectMany(f => f.Sources).DistinctBy(s => s.OrgUnitId))
            Assert.Contains($" | {s.OrgUnitId} | {s.Version} |", appendix);
    }

    [Fact]
    public void Review2023_Plan_ListsEveryTargetOfTheNextYear()
    {
        var plan = fixture.Body[fixture.Body.IndexOf("## 2024年工作安排", StringComparison.Ordinal)..];
        foreach (var row in TestData.ReadTsv("targets-2024.tsv"))
        {
            var target = Assert.Single(fixture.Review.Figures, f => f.Indicator == row["code"] && f.Measure == FigureMeasure.Target);
            Assert.Equal(decimal.Parse(row["target"], System.Globalization.CultureInfo.InvariantCulture), target.Value);
            Assert.Equal("2024", target.Period);
            Assert.Contains(target.Text, plan);
        }
        Assert.Contains("完成0.31万亩高标准农田建设工程", plan);
        Assert.Contains("不发生重大安全事故", plan);
    }

    [Fact]
    public void Review2023_Paragraphs_AreSingleLines()
    {
        // A line break inside a paragraph would read as a space in Word: every paragraph is one line.
        var blocks = fixture.Body.Split("\n\n");
        Assert.All(blocks, b => Assert.DoesNotContain('\n', b.Trim('\n')));
        Assert.DoesNotContain("，。", fixture.Body);
        Assert.DoesNotContain("；。", fixture.Body);
    }
}
