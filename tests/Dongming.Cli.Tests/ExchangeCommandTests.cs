using Dongming.Contracts.V1;
using Dongming.Tests.Shared;
using Google.Protobuf;

namespace Dongming.Cli.Tests;

/// <summary>import, export and their answers through the tool (ExchangeService on the real server).</summary>
public sealed class ExchangeCommandTests(CliServerFixture fixture)
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default);

    private async Task<(string Id, string Name)> NewVillageAsync()
    {
        var id = "cli-" + Cli.Id();
        var name = "导入村" + id[^6..];
        await new VillageService.VillageServiceClient(fixture.Server.Channel).RegisterVillageAsync(new RegisterVillageRequest
        {
            VillageId = id,
            Name = name,
            Kind = VillageKind.Village,
            TownshipId = "dongming",
        });
        return (id, name);
    }

    private static string Ledger(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dongming-cli-import-").FullName, "ledger.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task ImportValues_DryRunThenImport_ShowsTheChangesThenAppliesThem()
    {
        var (village, name) = await NewVillageAsync();
        var sheep = (1000 + Random.Shared.Next(5000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var file = Ledger($"嘎查村,羊存栏（只）,基础母牛存栏（头）\n{name},{sheep},12\n");

        var dry = await Cli.Run(fixture.Server, "import", file, "--period", "2024Q3", "--dry-run", "--output", "json");
        var before = await new ReportingService.ReportingServiceClient(fixture.Server.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = village, Period = "2024Q3" });
        var table = await Cli.Run(fixture.Server, "import", file, "--period", "2024Q3", "--dry-run");
        var real = await Cli.Run(fixture.Server, "import", file, "--period", "2024Q3", "--output", "json");
        var values = await Cli.Run(fixture.Server, "values", village, "2024Q3", "--output", "json");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var planned = Json.Parse<ImportValuesResponse>(dry.Output);
        Assert.False(planned.Applied);
        Assert.Equal(2, planned.ValuesNew);
        Assert.Contains(planned.Changes, c => c.OrgUnitId == village && c.Indicator == "livestock_sheep" && c.NewValue == sheep && c.OldValue == "");
        Assert.Empty(before.Values);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("no (dry run)", table.Output, StringComparison.Ordinal);
        Assert.Single(table.Output.Split('\n'), l => l.Contains("│ " + village + " ", StringComparison.Ordinal) && l.Contains("livestock_sheep", StringComparison.Ordinal) && l.Contains(sheep, StringComparison.Ordinal));
        Assert.True(real.ExitCode == 0, real.ToString());
        var applied = Json.Parse<ImportValuesResponse>(real.Output);
        Assert.True(applied.Applied);
        Assert.Equal(planned.Changes, applied.Changes);
        var read = Json.Parse<GetValuesResponse>(values.Output).Values.ToDictionary(v => v.Indicator);
        Assert.Equal(sheep, read["livestock_sheep"].Value);
        Assert.Equal("12", read["livestock_breeding_cows"].Value);
    }

    [Fact]
    public async Task ImportValues_BadRows_Exit6ListsEveryErrorWithRowAndColumnAndAppliesNothing()
    {
        var (village, name) = await NewVillageAsync();
        var file = Ledger($"嘎查村,羊存栏（只）,基础母牛存栏（头）\n{name},12.5,3\n不存在的村{Cli.Id()},5,5\n{name},7,-1\n");

        var run = await Cli.Run(fixture.Server, "import", file, "--period", "2024Q3", "--output", "csv");
        var real = await Cli.Run(fixture.Server, "import", file, "--period", "2024Q3");
        var after = await new ReportingService.ReportingServiceClient(fixture.Server.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = village, Period = "2024Q3" });

        Assert.True(run.ExitCode == 6, run.ToString());
        var rows = Cli.ReadCsv(run.Output);
        Assert.Equal(["row", "column", "field", "message"], rows[0]);
        Assert.Contains(rows, r => r[0] == "2" && r[1] == "B"); // 12.5 head
        Assert.Contains(rows, r => r[0] == "3" && r[1] == "A"); // unknown village
        Assert.Contains(rows, r => r[0] == "4"); // a duplicate row or the negative count
        Assert.Equal(6, real.ExitCode);
        Assert.Contains("nothing was applied", real.Output, StringComparison.Ordinal);
        Assert.Empty(after.Values);
    }

    [Fact]
    public async Task ExportTotals_Xlsx_WritesTheWorkbook()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dongming-cli-export-").FullName, "dongming-2023.xlsx");

        var run = await Cli.Run(fixture.Server, "export", "totals", "2023", "-o", path, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 1000);
        Assert.Equal((byte)'P', bytes[0]); // a zip: an XLSX
        Assert.Equal((byte)'K', bytes[1]);
        var answer = Json.Parse<ExportResponse>(run.Output);
        Assert.EndsWith(".xlsx", answer.FileName, StringComparison.Ordinal);
        Assert.True(answer.Content.IsEmpty); // in the file, not on stdout
    }

    [Fact]
    public async Task ExportTotals_Csv_HasEveryVillageAndTheTotalRow()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dongming-cli-export-").FullName, "dongming-2023.csv");

        var run = await Cli.Run(fixture.Server, "export", "totals", "2023", "-o", path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var text = await File.ReadAllTextAsync(path);
        Assert.Contains("大台", text, StringComparison.Ordinal);
        Assert.Contains("合计", text, StringComparison.Ordinal);
        Assert.Contains("wrote:", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("roster.xlsx", "roster")]
    [InlineData("catalog.xlsx", "catalog")]
    public async Task ImportShippedFile_DryRunOnTheDemo_ChangesNothing(string file, string kind)
    {
        var path = Path.Combine(Repository.Root, "samples", "dongming-2023", file);

        var run = await Cli.Run(fixture.Server, "import", path, "--kind", kind, "--dry-run", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = Json.Parse<ImportResponse>(run.Output);
        Assert.True(answer.RowsRead > 0);
        Assert.Equal(0, answer.Created);
        Assert.Empty(answer.Errors);
        Assert.False(answer.Applied);
    }
}
