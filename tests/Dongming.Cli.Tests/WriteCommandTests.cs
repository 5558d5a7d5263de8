using Dongming.Contracts.V1;
using Google.Protobuf;

namespace Dongming.Cli.Tests;

/// <summary>report and case open|move|show|history: what is written through the tool reads back through it.</summary>
public sealed class WriteCommandTests(CliServerFixture fixture)
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default);

    private async Task<string> NewVillageAsync()
    {
        var id = "cli-" + Cli.Id();
        await new VillageService.VillageServiceClient(fixture.Server.Channel).RegisterVillageAsync(new RegisterVillageRequest
        {
            VillageId = id,
            Name = "测试村" + id[^4..],
            Kind = VillageKind.Village,
            TownshipId = "dongming",
        });
        return id;
    }

    [Fact]
    public async Task Report_ThenValues_ShowsTheNewFigure()
    {
        var village = await NewVillageAsync();
        var sheep = (2000 + Random.Shared.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var report = await Cli.Run(fixture.Server, "report", village, "2024Q1", $"livestock_sheep={sheep}", "livestock_breeding_cows=>=30", "--comment", "台账第3页");
        var json = await Cli.Run(fixture.Server, "values", village, "2024Q1", "--output", "json");
        var table = await Cli.Run(fixture.Server, "values", village, "2024Q1");

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("replayed:", report.Output, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        var values = Json.Parse<GetValuesResponse>(json.Output).Values.ToDictionary(v => v.Indicator);
        Assert.Equal(sheep, values["livestock_sheep"].Value);
        Assert.False(values["livestock_sheep"].AtLeast);
        Assert.Equal("30", values["livestock_breeding_cows"].Value);
        Assert.True(values["livestock_breeding_cows"].AtLeast);
        var line = Assert.Single(table.Output.Split('\n'), l => l.Contains("│ livestock_sheep ", StringComparison.Ordinal));
        Assert.Contains(sheep, line, StringComparison.Ordinal);
        Assert.Contains("≥30", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_SameRequestIdTwice_IsReplayed()
    {
        var village = await NewVillageAsync();
        var id = "cli-test-" + Cli.Id();

        var first = await Cli.Run(fixture.Server, "report", village, "2024Q2", "livestock_sheep=10", "--request-id", id, "--output", "json");
        var second = await Cli.Run(fixture.Server, "report", village, "2024Q2", "livestock_sheep=10", "--request-id", id, "--output", "json");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        var a = Json.Parse<ReportValuesResponse>(first.Output);
        var b = Json.Parse<ReportValuesResponse>(second.Output);
        Assert.False(a.Replayed);
        Assert.True(b.Replayed);
        Assert.Equal(a.Version, b.Version);
    }

    [Fact]
    public async Task Case_OpenMoveShowHistory_FollowsTheCase()
    {
        var village = await NewVillageAsync();

        var open = await Cli.Run(fixture.Server, "case", "open", village, "safety_hazard", "路口缺少警示标志", "--deadline", "2030-12-31", "--batch", "2026",
            "--category", "road_traffic", "--source", "inspection", "--output", "json");
        Assert.True(open.ExitCode == 0, open.ToString());
        var opened = Json.Parse<OpenCaseResponse>(open.Output).Case;
        Assert.Equal(CaseStatus.Reported, opened.Status);
        Assert.Equal(CaseSource.Inspection, opened.Source);

        var move = await Cli.Run(fixture.Server, "case", "move", opened.CaseId, "rectifying");
        var stale = await Cli.Run(fixture.Server, "case", "move", opened.CaseId, "rectified", "--expected-version", opened.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var show = await Cli.Run(fixture.Server, "case", "show", opened.CaseId, "--output", "json");
        var history = await Cli.Run(fixture.Server, "case", "history", opened.CaseId, "--output", "csv");

        Assert.True(move.ExitCode == 0, move.ToString());
        Assert.Contains("rectifying 整改中", move.Output, StringComparison.Ordinal);
        Assert.Equal(2, stale.ExitCode); // ABORTED: the version moved on
        Assert.StartsWith("ABORTED: ", Assert.Single(stale.ErrorLines), StringComparison.Ordinal);
        var shown = Json.Parse<GetCaseResponse>(show.Output).Case;
        Assert.Equal(CaseStatus.Rectifying, shown.Status);
        Assert.Equal(opened.Version + 1, shown.Version);
        var rows = Cli.ReadCsv(history.Output);
        Assert.Equal(["opened", "transitioned"], rows.Skip(1).Select(r => r[1]));
    }

    [Fact]
    public async Task Case_InvalidTransition_IsFailedPreconditionExit2()
    {
        var village = await NewVillageAsync();
        var open = await Cli.Run(fixture.Server, "case", "open", village, "safety_hazard", "消防通道堵塞", "--deadline", "2030-12-31", "--output", "json");
        var id = Json.Parse<OpenCaseResponse>(open.Output).Case.CaseId;

        var run = await Cli.Run(fixture.Server, "case", "move", id, "closed");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("FAILED_PRECONDITION: ", line, StringComparison.Ordinal);
        Assert.Contains("CASE_STATUS_REPORTED", line, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}
