using Dongming.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dongming.Reports.Tests;

/// <summary>A township's own template: written with the same filters, its mistakes answered with their line.</summary>
public sealed class TemplateTests
{
    private static ReviewInput Input => DemoReview.Review2023;

    private static DomainException TemplateError(string template)
    {
        var e = Assert.Throws<DomainException>(() => ReviewWriter.Render(Input, ReviewFormat.Markdown, template));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("template", Assert.Single(e.Violations).Field);
        return e;
    }

    [Fact]
    public void Render_OwnTemplate_WritesFiguresWithTheFiltersAndListsThem()
    {
        var review = ReviewWriter.Render(Input, ReviewFormat.Markdown,
            "# {{ township.name }}\n\n羊{{ f.livestock_sheep | num: \"只\" }}，{{ f.crop_chili_area }}，热线{{ cases.hotline_ticket.total | num: \"件\" }}。\n");
        Assert.StartsWith("# 东明镇\n\n羊8.4万只，3.5万亩，热线272件。\n", review.Markdown);
        Assert.Equal(["8.4万只", "3.5万亩", "272件"], review.Figures.Select(f => f.Text));
        Assert.Equal(["livestock_sheep", "crop_chili_area", null], review.Figures.Select(f => f.Indicator));
        // The notes and the appendix always follow a township's own body.
        Assert.Contains("## 附表：数字来源", review.Markdown);
    }

    [Fact]
    public void Render_FigureShownTwice_IsListedOnceAndMarkedEachTime()
    {
        var review = ReviewWriter.Render(Input, ReviewFormat.Markdown, "{{ f.pension_paid | num }}；又{{ f.pension_paid | num }}；{{ f.pension_paid | num: scale: \"万\" }}\n");
        Assert.StartsWith("1.5218亿元【注1】；又1.5218亿元【注1】；15218万元【注1】\n", review.Markdown);
        Assert.Equal(["1.5218亿元", "15218万元"], review.Figures.Select(f => f.Text));
        Assert.Equal([1, 2], Assert.Single(review.Notes).Figures);
    }

    [Fact]
    public void Render_CapturedButNotShown_IsNotListed()
    {
        var review = ReviewWriter.Render(Input, ReviewFormat.Markdown, "{% capture x %}{{ f.livestock_sheep | num }}{% endcapture %}只有{{ f.livestock_cattle | num: \"头\" }}\n");
        Assert.Equal(["5.7万头"], review.Figures.Select(f => f.Text));
    }

    [Fact]
    public void Render_UnapprovedFigure_IsMarkedAndExplained()
    {
        var input = Input with { Figures = [.. Input.Figures.Select(f => f.Indicator == "crop_chili_area" ? f with { Approved = false } : f)] };
        var review = ReviewWriter.Render(input, ReviewFormat.Markdown);
        var chili = Assert.Single(review.Figures, f => f.Indicator == "crop_chili_area");
        Assert.False(chili.Approved);
        var note = Assert.Single(review.Notes, n => n.Reason == NoteReason.NotApproved);
        Assert.Equal([chili.Number], note.Figures);
        Assert.Contains($"辣椒3.5万亩【注{note.Number}】", review.Markdown);
        Assert.Contains($"【注{note.Number}】2023年数据尚未审核确认", review.Markdown);
    }

    [Fact]
    public void Render_FigureUnapprovedAndFailingARule_CarriesBothMarkers()
    {
        var input = Input with { Figures = [.. Input.Figures.Select(f => f.Indicator == "pension_paid" ? f with { Approved = false } : f)] };
        var review = ReviewWriter.Render(input, ReviewFormat.Markdown);
        Assert.Contains("发放养老金1.5218亿元【注1、2】", review.Markdown);
        Assert.Equal([NoteReason.FailedRule, NoteReason.NotApproved], review.Notes.Select(n => n.Reason));
    }

    [Fact]
    public void Render_MissingFigures_DropTheirClausesWithoutDanglingPunctuation()
    {
        var keep = new HashSet<string>(["crop_chili_area", "livestock_sheep"], StringComparer.Ordinal);
        var input = Input with { Figures = [.. Input.Figures.Where(f => keep.Contains(f.Indicator))], Cases = [] };
        var review = ReviewWriter.Render(input, ReviewFormat.Markdown);
        Assert.Contains("\n\n其中辣椒3.5万亩。\n\n", review.Markdown);
        Assert.Contains("\n\n其中羊8.4万只。\n\n", review.Markdown);
        Assert.DoesNotContain("，。", review.Markdown);
        Assert.DoesNotContain("；；", review.Markdown);
        Assert.Equal(2 + input.Targets.Count, review.Figures.Count);
    }

    [Fact]
    public void Render_SyntaxError_NamesLineAndColumn()
    {
        var e = TemplateError("第一行\n第二行{% if f.crop_chili_area %}\n第三行\n");
        Assert.Matches("line [0-9]+, column [0-9]+", e.Message);
        Assert.Contains("endif", e.Message);
    }

    [Fact]
    public void Render_UnknownIndicator_NamesItsLine()
    {
        var e = TemplateError("第一行\n第二行\n西瓜{{ f.crop_watermelon_aera | num }}\n");
        Assert.Contains("line 3", e.Message);
        Assert.Contains("crop_watermelon_aera", e.Message);
    }

    [Fact]
    public void Render_UnknownFilterOrArgument_NamesItsLine()
    {
        Assert.Contains("line 2", TemplateError("一\n{{ f.crop_chili_area | nmu }}\n").Message);
        var e = TemplateError("一\n二\n{{ f.crop_chili_area | num: q: \"大约\" }}\n");
        Assert.Contains("line 3", e.Message);
        Assert.Contains("大约", e.Message);
        Assert.Contains("line 1", TemplateError("{{ f.crop_chili_area | num: unit: \"亩\" }}\n").Message);
    }

    [Fact]
    public void Render_PlainNumberThroughNum_IsRefused() =>
        Assert.Contains("must come from the data", TemplateError("{{ 3 | num }}\n").Message);

    [Fact]
    public void Render_FilterAlteringAFiguresWording_IsRefused()
    {
        Assert.Contains("changed", TemplateError("{{ f.pension_paid | num | replace: \"亿\", \"万\" }}\n").Message);
        Assert.Contains("cut or altered", TemplateError("{{ f.pension_paid | num | slice: 0, 4 }}\n").Message);
    }

    [Fact]
    public void Render_EndlessTemplate_IsStopped() =>
        TemplateError("{% for i in (1..100000) %}{% for j in (1..100000) %}.{% endfor %}{% endfor %}");

    [Theory]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}", "line 1")]
    [InlineData("羊\n{% for i in (1..f.livestock_sheep) %}x{% endfor %}", "line 2")]
    [InlineData("{% assign r = (-9223372036854775808..9223372036854775807) %}", "line 1")]
    public void Render_HugeOrUnboundedRange_IsRefusedBeforeItIsBuilt(string template, string line) =>
        Assert.Contains(line + ": a range must have whole-number bounds", TemplateError(template).Message, StringComparison.Ordinal);

    [Fact]
    public void Render_NowIsTheYearsEnd_SoTheTextDoesNotDependOnTheClock()
    {
        var review = ReviewWriter.Render(Input, ReviewFormat.Markdown, "{{ \"now\" | date: \"%Y-%m-%d\" }}\n");
        Assert.StartsWith("2023-12-31\n", review.Markdown);
    }

    [Fact]
    public void DefaultText_IsTheEmbeddedTemplate_AndRendersLikeTheDefault()
    {
        var text = ReviewTemplates.DefaultText(ReviewTemplates.ReviewName);
        var own = ReviewWriter.Render(Input, ReviewFormat.Markdown, text);
        var standard = ReviewWriter.Render(Input, ReviewFormat.Markdown);
        Assert.Equal(standard.Content, own.Content);
    }

    [Fact]
    public void Render_DataText_IsEscapedNotMarkup()
    {
        var input = Input with { Villages = [.. Input.Villages.Select(v => v.VillageId == "datai" ? v with { Name = "大台*|[x]" } : v)] };
        var review = ReviewWriter.Render(input, ReviewFormat.Markdown);
        Assert.Contains("在大台\\*\\|\\[x\\]、小台", review.Markdown);
    }
}

/// <summary>Whatever a township writes, the answer is a review or INVALID_ARGUMENT — never a fault of the server.</summary>
public sealed class TemplateFuzzTests
{
    private static readonly string[] Fragments =
    [
        "文字", "\n", "{{ f.crop_chili_area | num }}", "{{ f.crop_chili_area | num: \"只\", q: \"余\" }}", "{{ f.x | num }}", "{{ f.pension_paid }}",
        "{% if f.crop_chili_area > 3 %}", "{% endif %}", "{% for t in targets %}", "{% endfor %}", "{{ t | num }}", "{{ t.note }}",
        "{{ cases.dispute.closed | num: \"件\" }}", "{{ cases.nope.total }}", "{{ cases.dispute.done.total | num }}", "{{ cases.dispute.batches | size }}",
        "{% capture p %}", "{% endcapture %}", "{{ p | clauses: \"，\", \"。\" }}", "¦", "{{ f.crop_silage_maize_area.villages | names: 2 }}",
        "{{ f.crop_chili_area | num: decimals: 9 }}", "{{ f.crop_chili_area | num: scale: \"万\" }}", "{{ f.crop_chili_area | word: \"\" }}",
        "{{ f.crop_chili_area | upcase }}", "{{ f.crop_chili_area | plus: 1 }}", "{{ f.crop_chili_area | slice: 1 }}", "{{ f.crop_chili_area.nope }}",
        "{% assign v = f.livestock_total %}", "{% if v.record_high %}新高{% endif %}", "{{ v.previous | num }}", "{{ \"a\" | num }}", "{{", "}}", "{%", "%}",
        "{% raw %}", "{% endraw %}", "{% include 'x' %}", "{% render 'y' %}", "{% cycle 'a', 'b' %}", "{% break %}", "{{ 1 | divided_by: 0 }}", "{{ year | minus: 1 }}", "{% unless f.crop_chili_area == 0 %}非零{% endunless %}", "{{ f | num }}", "{{ cases | num }}",
    ];

    [Property(MaxTest = 300)]
    public Property Render_AnyTemplate_IsAReviewOrInvalidArgument() =>
        Prop.ForAll(
            Gen.Elements(Fragments).ArrayOf().ToArbitrary(),
            parts =>
            {
                var template = string.Concat(parts) + "x";
                try
                {
                    ReviewWriter.Render(DemoReview.Review2023, ReviewFormat.Markdown, template);
                    return true;
                }
                catch (DomainException e)
                {
                    return e.Kind == ErrorKind.InvalidArgument && e.Violations.Count == 1 && e.Violations[0].Field == "template";
                }
            });
}
