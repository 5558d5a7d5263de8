using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Dongming.Contracts.V1;
using Dongming.Tests.Shared;
using Grpc.Core;
using static Dongming.Server.Tests.QualitySupport;

namespace Dongming.Server.Tests.Review;

/// <summary>
/// A demo server of its own for the review tests: the golden sample names every ledger's journal version, so no other
/// test may write to the demo township's ledgers while it runs. Tests here that write use fresh townships.
/// </summary>
public sealed class ReviewServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    /// <summary>The review of 2023 as Markdown, rendered once.</summary>
    public RenderReviewResponse Markdown { get; private set; } = null!;

    /// <summary>The review of 2023 as Word, rendered once.</summary>
    public RenderReviewResponse Docx { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        var client = new ReportService.ReportServiceClient(Server.Channel);
        Markdown = await client.RenderReviewAsync(new RenderReviewRequest { TownshipId = "dongming", Year = 2023, Format = ReviewFormat.Markdown });
        Docx = await client.RenderReviewAsync(new RenderReviewRequest { TownshipId = "dongming", Year = 2023, Format = ReviewFormat.Docx });
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>RenderReview through the real gRPC surface: the demo's 2023 review, marking, tracing, errors and access.</summary>
public sealed partial class ReviewEndToEndTests(ReviewServerFixture fixture) : IClassFixture<ReviewServerFixture>
{
    private ServerProcess Server => fixture.Server;
    private ReportService.ReportServiceClient Reports => new(Server.Channel);

    private string Text => fixture.Markdown.Content.ToStringUtf8();

    /// <summary>The text before the notes and the appendix, without the note markers.</summary>
    private string Body => Marker().Replace(Text[..Text.IndexOf("\n## 数据说明", StringComparison.Ordinal)], string.Empty);

    [GeneratedRegex("【注[0-9、]+】", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    /// <summary>A Markdown escape (\_ → _): Word holds the character itself.</summary>
    [GeneratedRegex(@"\\(.)", RegexOptions.CultureInvariant)]
    private static partial Regex MarkdownEscape();

    [Fact]
    public void Review2023_Markdown_StatesEveryQuotedFigureInTheSeedReportsWording()
    {
        Assert.Equal("text/markdown; charset=utf-8", fixture.Markdown.MediaType);
        foreach (var phrase in new[] { "西瓜2万亩", "辣椒3.5万亩", "输出劳动力8400人", "务工增收2.74亿元以上", "发放养老金1.5218亿元" })
            Assert.Contains(phrase, Body, StringComparison.Ordinal);
        // Every figure of township-2023.tsv is shown as the seed report words it (one of its quote's figures).
        var missing = new List<string>();
        foreach (var row in Tsv.Read("township-2023.tsv"))
        {
            var shown = fixture.Markdown.Figures.Where(f => f.Indicator == row["code"]).Select(f => f.Text).ToList();
            if (!shown.Any(t => row["quote"].Contains(t, StringComparison.Ordinal) && Body.Contains(t, StringComparison.Ordinal))) missing.Add($"{row["code"]}: [{string.Join(", ", shown)}] vs {row["quote"]}");
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void Review2023_CaseSentences_ReadAsInTheReport()
    {
        Assert.Contains("455块", Body, StringComparison.Ordinal);
        Assert.Contains("215", Body, StringComparison.Ordinal);
        Assert.Contains("“12345”", Body, StringComparison.Ordinal);
        foreach (var row in Tsv.Read("cases-2023.tsv"))
        {
            // "……" in a quote elides words between its parts; each part stands in the text, in order.
            var at = 0;
            foreach (var part in row["quote"].Split("……"))
            {
                var found = Body.IndexOf(part, at, StringComparison.Ordinal);
                Assert.True(found >= 0, $"{row["case_type"]}: \"{part}\" not in the review");
                at = found + part.Length;
            }
        }
        var flagged = Assert.Single(fixture.Markdown.Figures, f => f.CaseType == "assigned_petition" && f.Counts == "repeat_or_returned");
        Assert.Equal(("6件", "6"), (flagged.Text, flagged.Value));
        var rate = Assert.Single(fixture.Markdown.Figures, f => f.CaseType == "hotline_ticket" && f.Measure == "case_rate");
        Assert.Equal("100%", rate.Text);
    }

    [Fact]
    public void Review2023_PensionFigure_IsMarkedByThePensionRule()
    {
        var pension = Assert.Single(fixture.Markdown.Figures, f => f.Indicator == "pension_paid" && f.Measure == "total");
        Assert.Equal(("1.5218亿元", "152180000"), (pension.Text, pension.Value));
        Assert.Contains("pension_paid_per_recipient_max", pension.Failures);
        var note = Assert.Single(fixture.Markdown.Notes, n => n.Reason == "failed_rule" && n.Rule == "pension_paid_per_recipient_max");
        Assert.Contains(pension.Number, note.Figures);
        Assert.Contains(note.Number, pension.Notes);
        Assert.Matches($"发放养老金1\\.5218亿元【注[0-9、]*{note.Number}[0-9、]*】", Text);
    }

    [Fact]
    public void Review2023_DemoNotApproved_EveryFigureOfTheYearIsMarked()
    {
        // The demo loads 2023 without approving it: its figures are read as entered, and the text says so.
        var note = Assert.Single(fixture.Markdown.Notes, n => n.Reason == "not_approved");
        var totals = fixture.Markdown.Figures.Where(f => f.Measure == "total").ToList();
        Assert.NotEmpty(totals);
        Assert.All(totals, f => Assert.False(f.Approved));
        Assert.All(totals, f => Assert.Contains(f.Number, note.Figures));
    }

    [Fact]
    public async Task Review2023_RenderedTwice_IsTheSameBytes()
    {
        var again = await Reports.RenderReviewAsync(new RenderReviewRequest { TownshipId = "dongming", Year = 2023, Format = ReviewFormat.Markdown });
        Assert.Equal(fixture.Markdown.Content, again.Content);
        Assert.Equal(fixture.Markdown.Figures, again.Figures);
        var docx = await Reports.RenderReviewAsync(new RenderReviewRequest { TownshipId = "dongming", Year = 2023, Format = ReviewFormat.Docx });
        Assert.Equal(fixture.Docx.Content, docx.Content);
    }

    [Fact]
    public void Review2023_Docx_HoldsTheMarkdownsSentences()
    {
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", fixture.Docx.MediaType);
        var paragraphs = DocxBlocks(fixture.Docx.Content.ToByteArray());
        var lines = Text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('|')).Select(l => MarkdownEscape().Replace(l.TrimStart('#', ' '), "$1")).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains(l, paragraphs));
        Assert.Contains(paragraphs, p => p.Contains("辣椒3.5万亩", StringComparison.Ordinal));
        Assert.Equal(fixture.Markdown.Figures, fixture.Docx.Figures);
    }

    [Fact]
    public void Review2023_Sample_IsTheRenderedOne()
    {
        var root = Repository.Root;
        var folder = Path.Combine(root, "samples", "dongming-2023");
        var md = Path.Combine(folder, "review-2023.md");
        var docx = Path.Combine(folder, "review-2023.docx");
        if (Environment.GetEnvironmentVariable("DONGMING_WRITE_FILES") == "1")
        {
            File.WriteAllBytes(md, fixture.Markdown.Content.ToByteArray());
            File.WriteAllBytes(docx, fixture.Docx.Content.ToByteArray());
        }
        Assert.True(File.Exists(md) && File.ReadAllBytes(md).AsSpan().SequenceEqual(fixture.Markdown.Content.Span),
            "samples/dongming-2023/review-2023.md differs from the rendered review (run the tests with DONGMING_WRITE_FILES=1 and commit the files)");
        Assert.True(File.Exists(docx) && DocxBlocks(File.ReadAllBytes(docx)).SequenceEqual(DocxBlocks(fixture.Docx.Content.ToByteArray())),
            "samples/dongming-2023/review-2023.docx differs from the rendered review (run the tests with DONGMING_WRITE_FILES=1 and commit the files)");
    }

    private const string SheepTemplate = "# {{ township.name }}{{ year }}年\n\n全镇羊存栏{{ f.livestock_sheep | num: \"只\" }}。\n";

    private async Task<RenderReviewResponse> RenderSheepAsync(string township, int year) =>
        await Reports.RenderReviewAsync(new RenderReviewRequest { TownshipId = township, Year = year, Format = ReviewFormat.Markdown, Template = SheepTemplate });

    [Fact]
    public async Task RenderReview_ValueChangedAfterwards_ChangesTheFigureAndItsSourceVersion()
    {
        var (township, villages) = await FreshTownshipAsync(Server, 2);
        var year = FreshYear().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reporting = new ReportingService.ReportingServiceClient(Server.Channel);
        await reporting.ReportValuesAsync(Rpc.Report(villages[0], year, ("livestock_sheep", "1200")));
        await reporting.ReportValuesAsync(Rpc.Report(villages[1], year, ("livestock_sheep", "300")));
        var before = await RenderSheepAsync(township, int.Parse(year, System.Globalization.CultureInfo.InvariantCulture));
        var sheep = Assert.Single(before.Figures, f => f.Indicator == "livestock_sheep");
        Assert.Equal(("1500只", "1500", year), (sheep.Text, sheep.Value, sheep.Period));
        Assert.Contains("全镇羊存栏1500只", before.Content.ToStringUtf8(), StringComparison.Ordinal);
        Assert.Equal([villages[0], villages[1]], sheep.Sources.Select(s => s.OrgUnitId)); // largest contribution first

        await reporting.ReportValuesAsync(Rpc.Report(villages[1], year, ("livestock_sheep", "800")));
        var after = Assert.Single((await RenderSheepAsync(township, int.Parse(year, System.Globalization.CultureInfo.InvariantCulture))).Figures, f => f.Indicator == "livestock_sheep");
        Assert.Equal(("2000只", "2000"), (after.Text, after.Value));
        var v0 = (before: sheep.Sources.Single(s => s.OrgUnitId == villages[0]).Version, after: after.Sources.Single(s => s.OrgUnitId == villages[0]).Version);
        var v1 = (before: sheep.Sources.Single(s => s.OrgUnitId == villages[1]).Version, after: after.Sources.Single(s => s.OrgUnitId == villages[1]).Version);
        Assert.Equal(v0.before, v0.after);
        Assert.True(v1.after > v1.before, $"version of {villages[1]}: {v1.before} → {v1.after}");
    }

    [Fact]
    public async Task RenderReview_FigureSource_GetValueHistoryNamesWhoEnteredIt()
    {
        var (township, villages) = await FreshTownshipAsync(Server, 1);
        var year = FreshYear();
        var reporter = new ReportingService.ReportingServiceClient(Reporter(Server, villages[0]));
        await reporter.ReportValuesAsync(Rpc.Report(villages[0], year.ToString(System.Globalization.CultureInfo.InvariantCulture), ("livestock_sheep", "640")));
        var sheep = Assert.Single((await RenderSheepAsync(township, year)).Figures, f => f.Indicator == "livestock_sheep");
        var source = Assert.Single(sheep.Sources);
        var history = await new ReportingService.ReportingServiceClient(Server.Channel).GetValueHistoryAsync(new GetValueHistoryRequest
        {
            OrgUnitId = source.OrgUnitId,
            Indicator = sheep.Indicator,
            Period = sheep.Period,
        });
        var last = history.Revisions[^1];
        Assert.Equal(("村报账员", "640"), (last.ActorName, last.Value));
        Assert.Equal(source.Version, last.Version);
    }

    [Fact]
    public async Task RenderReview_PeriodNotApproved_FigureMarked_ApprovedUnmarked()
    {
        var (township, villages) = await FreshTownshipAsync(Server, 2);
        var year = FreshYear();
        var period = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reporting = new ReportingService.ReportingServiceClient(Server.Channel);
        foreach (var v in villages) await reporting.ReportValuesAsync(Rpc.Report(v, period, ("livestock_sheep", "100")));

        var open = await RenderSheepAsync(township, year);
        var sheep = Assert.Single(open.Figures, f => f.Indicator == "livestock_sheep");
        Assert.False(sheep.Approved);
        var note = Assert.Single(open.Notes, n => n.Reason == "not_approved");
        Assert.Equal([sheep.Number], note.Figures);
        Assert.Contains($"全镇羊存栏200只【注{note.Number}】", open.Content.ToStringUtf8(), StringComparison.Ordinal);

        // One village approved is not enough: the figure stays marked until every part of it is locked.
        var set = "review_" + Rpc.Id()[..8];
        await DefineDataSetAsync(Server, township, set, PeriodType.Year, ["livestock_sheep"]);
        var approvals = new ApprovalService.ApprovalServiceClient(Server.Channel);
        async Task ApproveAsync(string village)
        {
            await approvals.SubmitAsync(new SubmitRequest { OrgUnitId = village, DataSet = set, Period = period, RequestId = Rpc.Id() });
            await approvals.ApproveAsync(new ApproveRequest { OrgUnitId = village, DataSet = set, Period = period, RequestId = Rpc.Id() });
        }
        await ApproveAsync(villages[0]);
        Assert.False(Assert.Single((await RenderSheepAsync(township, year)).Figures, f => f.Indicator == "livestock_sheep").Approved);
        await ApproveAsync(villages[1]);
        var approved = await RenderSheepAsync(township, year);
        Assert.True(Assert.Single(approved.Figures, f => f.Indicator == "livestock_sheep").Approved);
        Assert.Empty(approved.Notes);
        Assert.Contains("全镇羊存栏200只。", approved.Content.ToStringUtf8(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderReview_BadTemplate_InvalidArgumentNamingTheTemplateAndItsPosition()
    {
        var (code, message, fields) = await Rpc.Fails(() => Reports.RenderReviewAsync(new RenderReviewRequest
        {
            TownshipId = "dongming",
            Year = 2023,
            Format = ReviewFormat.Markdown,
            Template = "# 报告\n\n{% if f.livestock_sheep %}羊{{ f.livestock_sheep | num: \"只\" }}\n",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["template"], fields);
        Assert.Contains("line ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", message, StringComparison.Ordinal);
    }

    public static TheoryData<string> HostileTemplates() =>
    [
        "{{", "{% if %}", "{% endfor %}", "{{ f.no_such_indicator | num }}", "{{ 5 | num }}", "{{ f.livestock_sheep | num: scale: \"千\" }}",
        "{{ f.livestock_sheep | no_such_filter }}", "{% include 'other' %}", "{% for i in (1..100000000) %}x{% endfor %}",
        "{{ f.livestock_sheep.no_such_member }}", "{{ cases.no_such_type.total | num }}", "羊\u0001", "{{ f.livestock_sheep | divided_by: 0 }}",
        "{% assign x = f.livestock_sheep | plus: 1 %}{{ x | num }}", " ",
    ];

    [Theory]
    [MemberData(nameof(HostileTemplates))]
    public async Task RenderReview_HostileTemplate_InvalidArgumentOnTemplateOrRendered(string template)
    {
        var status = StatusCode.OK;
        var fields = new List<string>();
        try
        {
            var review = await Reports.RenderReviewAsync(new RenderReviewRequest { TownshipId = "dongming", Year = 2023, Format = ReviewFormat.Markdown, Template = template });
            Assert.NotEmpty(review.Content);
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            fields.AddRange(e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field) ?? []);
            Assert.DoesNotContain("   at ", e.Status.Detail, StringComparison.Ordinal);
        }
        Assert.True(status == StatusCode.OK || (status == StatusCode.InvalidArgument && fields.SequenceEqual(["template"])), $"{status} [{string.Join(",", fields)}]");
    }

    [Fact]
    public async Task RenderReview_BadShape_NamesEveryField()
    {
        var (code, _, fields) = await Rpc.Fails(() => Reports.RenderReviewAsync(new RenderReviewRequest
        {
            TownshipId = "Bad Id!",
            Year = 1999,
            Format = ReviewFormat.Unspecified,
            Template = new string('x', 256 * 1024 + 1),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["format", "template", "township_id", "year"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RenderReview_UnknownTownship_NotFound()
    {
        var (code, _, _) = await Rpc.Fails(() => Reports.RenderReviewAsync(new RenderReviewRequest { TownshipId = "t" + Rpc.Id()[..12], Year = 2023, Format = ReviewFormat.Markdown }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, code);
    }

    [Fact]
    public async Task RenderReview_AsStaffOfTheTownship_Allowed_AsReporterOrOtherStaff_Denied()
    {
        var request = new RenderReviewRequest { TownshipId = "dongming", Year = 2023, Format = ReviewFormat.Markdown };
        var staff = await new ReportService.ReportServiceClient(Staff(Server)).RenderReviewAsync(request);
        Assert.Equal(fixture.Markdown.Content, staff.Content);
        var reporter = await Rpc.Fails(() => new ReportService.ReportServiceClient(Reporter(Server, "datai")).RenderReviewAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, reporter.Code);
        var other = await Rpc.Fails(() => new ReportService.ReportServiceClient(Staff(Server, "t" + Rpc.Id()[..12])).RenderReviewAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, other.Code);
    }

    /// <summary>The document's body read back from its XML: paragraph texts, and each table row's cells joined by tabs.</summary>
    private static List<string> DocxBlocks(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var blocks = new List<string>();
        foreach (var element in doc.MainDocumentPart!.Document!.Body!.ChildElements)
        {
            switch (element)
            {
                case Paragraph p: blocks.Add(p.InnerText); break;
                case Table t: blocks.AddRange(t.Elements<TableRow>().Select(r => string.Join('\t', r.Elements<TableCell>().Select(c => c.InnerText)))); break;
            }
        }
        return blocks;
    }

}
