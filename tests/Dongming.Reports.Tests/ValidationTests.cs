using Dongming.Domain;

namespace Dongming.Reports.Tests;

public sealed class ValidationTests
{
    private static ReviewInput Input => DemoReview.Review2023;

    private static IReadOnlyList<string> Fields(ReviewInput input, string? template = null)
    {
        var e = Assert.Throws<DomainException>(() => ReviewWriter.Render(input, ReviewFormat.Markdown, template));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        return [.. e.Violations.Select(v => v.Field)];
    }

    [Fact]
    public void Render_BadFigures_AreAllReportedAtOnce()
    {
        var figures = Input.Figures.ToList();
        figures[0] = figures[0] with { Unit = "yuan" };
        figures[1] = figures[1] with { Value = -5 };
        figures[2] = figures[2] with { Indicator = "no_such_indicator" };
        figures[3] = figures[3] with { Sources = [new FigureSource("Not An Id", 1), new FigureSource("datai", -1)] };
        figures.Add(figures[4]);
        var fields = Fields(Input with { Figures = figures });
        Assert.Contains("figures[0].unit", fields);
        Assert.Contains("figures[1].value", fields);
        Assert.Contains("figures[2].indicator", fields);
        Assert.Contains("figures[3].sources[0].org_unit_id", fields);
        Assert.Contains("figures[3].sources[1].version", fields);
        Assert.Contains($"figures[{figures.Count - 1}].indicator", fields);
    }

    [Fact]
    public void Render_FigureOfAWholeUnitWithDecimals_IsRefusedByTheDomainsRule()
    {
        var figures = Input.Figures.Select(f => f.Indicator == "labour_export_persons" ? f with { Value = 8400.5m } : f).ToList();
        var index = figures.FindIndex(f => f.Indicator == "labour_export_persons");
        Assert.Equal([$"figures[{index}].value"], Fields(Input with { Figures = figures }));
    }

    [Fact]
    public void Render_BadCasesAndTargets_AreAllReported()
    {
        var cases = Input.Cases.ToList();
        cases[0] = cases[0] with { CaseType = "unknown_type" };
        cases[1] = cases[1] with { OnTime = cases[1].Count + 1 };
        cases[2] = cases[2] with { Batch = "二期" };
        cases[3] = cases[3] with { Repeat = 1, Returned = 1, RepeatOrReturned = 3 };
        var targets = Input.Targets.ToList();
        targets[0] = targets[0] with { Period = "2024Q5" };
        targets[1] = targets[1] with { Direction = (TargetDirection)9 };
        var fields = Fields(Input with { Cases = cases, Targets = targets });
        Assert.Contains("cases[0].case_type", fields);
        Assert.Contains("cases[1].on_time", fields);
        Assert.Contains("cases[2].batch", fields);
        Assert.Contains("cases[3].repeat_or_returned", fields);
        Assert.Contains("targets[0].period", fields);
        Assert.Contains("targets[1].direction", fields);
    }

    [Fact]
    public void Render_BadYearAndTemplate_AreReported()
    {
        Assert.Equal(["year", "template"], Fields(Input with { Year = 1999 }, "  "));
        Assert.Equal(["template"], Fields(Input, "控制字符\u0007"));
    }
}
