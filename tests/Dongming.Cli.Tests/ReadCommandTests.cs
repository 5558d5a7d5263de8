using Dongming.Contracts.V1;
using Google.Protobuf;

namespace Dongming.Cli.Tests;

/// <summary>villages, indicators, values, totals and cases against the demo: tables, JSON and CSV say what the service says.</summary>
public sealed class ReadCommandTests(CliServerFixture fixture)
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default);

    [Fact]
    public async Task Values_Table_ShowsEveryFigureWithItsChineseName()
    {
        var server = fixture.Server;
        var expected = await new ReportingService.ReportingServiceClient(server.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = "2023" });
        var catalog = (await new CatalogService.CatalogServiceClient(server.Channel).ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators.ToDictionary(i => i.Code);
        Assert.NotEmpty(expected.Values);

        var run = await Cli.Run(server, "values", "datai", "2023");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Error);
        var lines = run.Output.Split('\n');
        foreach (var v in expected.Values)
        {
            var line = Assert.Single(lines, l => l.Contains("│ " + v.Indicator + " ", StringComparison.Ordinal));
            Assert.Contains(catalog[v.Indicator].NameZh, line, StringComparison.Ordinal);
            Assert.Contains((v.AtLeast ? "≥" : "") + v.Value + " │", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Values_Table_AlignsColumnsWithChineseText()
    {
        var run = await Cli.Run(fixture.Server, "values", "datai", "2023");

        Assert.True(run.ExitCode == 0, run.ToString());
        // Every row of the table is as wide on screen as its border: each Chinese character takes two cells.
        var rows = run.Output.Split('\n').Where(l => l.StartsWith('│') || l.StartsWith('╭') || l.StartsWith('╰')).ToList();
        Assert.True(rows.Count > 3, run.ToString());
        Assert.Contains(rows, r => r.Any(c => c >= '\u4e00' && c <= '\u9fff'));
        Assert.Single(rows.Select(ScreenWidth).Distinct());
    }

    [Fact]
    public async Task Totals_Json_IsTheAnswerOfGetTotals()
    {
        var server = fixture.Server;
        var expected = await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" });

        var run = await Cli.Run(server, "totals", "2023", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = Json.Parse<GetTotalsResponse>(run.Output);
        Assert.Equal(expected.Totals, answer.Totals);
        Assert.Equal("dongming", answer.TownshipId);
    }

    [Fact]
    public async Task Totals_Table_ShowsEveryTotal()
    {
        var server = fixture.Server;
        var expected = await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" });

        var run = await Cli.Run(server, "totals", "2023");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        foreach (var t in expected.Totals)
        {
            var line = Assert.Single(lines, l => l.Contains("│ " + t.Indicator + " ", StringComparison.Ordinal));
            Assert.Contains((t.AtLeast ? "≥" : "") + t.Value + " │", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Totals_BreakdownCsv_GivesEveryOrgUnitsPart()
    {
        var server = fixture.Server;
        var expected = await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest
        {
            TownshipId = "dongming",
            Period = "2023",
            Indicators = { "crop_silage_maize_area" },
            IncludeBreakdown = true,
        });

        var run = await Cli.Run(server, "totals", "2023", "--indicator", "crop_silage_maize_area", "--breakdown", "--output", "csv");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = Cli.ReadCsv(run.Output);
        Assert.Equal(["indicator", "name", "org_unit", "org_unit_name", "value", "notes"], rows[0]);
        var parts = Assert.Single(expected.Totals).Breakdown;
        Assert.Equal(parts.Select(p => (p.OrgUnitId, p.Value)), rows.Skip(1).Select(r => (r[2], r[4])));
        Assert.Contains(rows, r => r[2] == "datai" && r[3] == "大台");
        Assert.Equal(Assert.Single(expected.Totals).Value, rows.Skip(1).Sum(r => decimal.Parse(r[4].TrimStart('≥'), System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Cases_Overdue_ListsEveryOverdueCase()
    {
        var server = fixture.Server;
        var cases = new CaseService.CaseServiceClient(server.Channel);
        var expected = new List<Case>();
        var request = new ListCasesRequest { OverdueAsOf = "2024-06-01", PageSize = 500 };
        do
        {
            var page = await cases.ListCasesAsync(request);
            expected.AddRange(page.Cases);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        Assert.NotEmpty(expected);

        var csv = await Cli.Run(server, "cases", "--overdue", "2024-06-01", "--output", "csv");
        var table = await Cli.Run(server, "cases", "--overdue", "2024-06-01");

        Assert.True(csv.ExitCode == 0, csv.ToString());
        var rows = Cli.ReadCsv(csv.Output);
        Assert.Equal("case_id", rows[0][0]);
        Assert.Equal(expected.Select(c => c.CaseId), rows.Skip(1).Select(r => r[0]));
        Assert.All(rows.Skip(1), r => Assert.Equal("overdue", r[Array.IndexOf(rows[0], "overdue")]));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"cases:  {expected.Count}", table.Output, StringComparison.Ordinal);
        Assert.All(expected, c => Assert.Contains(c.CaseId, table.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cases_StatusFilter_TakesChineseAndEnglishWords()
    {
        var english = await Cli.Run(fixture.Server, "cases", "--status", "rectifying", "--type", "forest_violation_patch", "--output", "json");
        var chinese = await Cli.Run(fixture.Server, "cases", "--status", "整改中", "--type", "forest_violation_patch", "--output", "json");

        Assert.True(english.ExitCode == 0, english.ToString());
        var a = Json.Parse<ListCasesResponse>(english.Output);
        Assert.NotEmpty(a.Cases);
        Assert.All(a.Cases, c => Assert.Equal(CaseStatus.Rectifying, c.Status));
        Assert.Equal(a.Cases, Json.Parse<ListCasesResponse>(chinese.Output).Cases);
    }

    [Fact]
    public async Task Villages_Csv_IsTheRoster()
    {
        var expected = await new VillageService.VillageServiceClient(fixture.Server.Channel).ListVillagesAsync(new ListVillagesRequest { TownshipId = "dongming", PageSize = 1000 });

        var run = await Cli.Run(fixture.Server, "villages", "--output", "csv");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = Cli.ReadCsv(run.Output);
        // Other tests register villages (cli-…) meanwhile: the demo's roster is compared.
        Assert.Equal(expected.Villages.Where(v => !v.VillageId.StartsWith("cli-", StringComparison.Ordinal)).Select(v => (v.VillageId, v.Name)),
            rows.Skip(1).Where(r => !r[0].StartsWith("cli-", StringComparison.Ordinal)).Select(r => (r[0], r[1])));
        Assert.Equal(["village_id", "name", "kind", "active_from", "retired_from"], rows[0]);
    }

    [Fact]
    public async Task Indicators_Json_IsTheCatalog()
    {
        var expected = await new CatalogService.CatalogServiceClient(fixture.Server.Channel).ListIndicatorsAsync(new ListIndicatorsRequest { Category = "livestock" });

        var run = await Cli.Run(fixture.Server, "indicators", "--category", "livestock", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEmpty(expected.Indicators);
        Assert.Equal(expected, Json.Parse<ListIndicatorsResponse>(run.Output));
    }

    /// <summary>Terminal cells of a line: East Asian wide characters take two.</summary>
    private static int ScreenWidth(string line) => line.TrimEnd('\r').Sum(c => c is >= '\u1100' and (<= '\u115f' or (>= '\u2e80' and <= '\ua4cf') or (>= '\uac00' and <= '\ud7a3') or (>= '\uf900' and <= '\ufaff') or (>= '\ufe30' and <= '\ufe4f') or (>= '\uff00' and <= '\uff60') or (>= '\uffe0' and <= '\uffe6')) ? 2 : 1);
}
