using System.Globalization;
using Dongming.Contracts.V1;
using Dongming.Server.Tests;
using Dongming.Tests.Shared;

namespace Dongming.Cli.Tests;

/// <summary>
/// The README's "Setting a township up from its spreadsheets": every <c>dongming</c> line of it, in order, on an
/// empty server with the demo load off — the catalog, the roster and the 2023 ledger from samples/dongming-2023, each
/// after its dry run — gives the work report's totals, and the exported workbook imported again changes nothing.
/// </summary>
public sealed class ReadmeSetupTests
{
    private const string Section = "## Setting a township up from its spreadsheets (the `dongming` tool)";

    [Fact]
    public async Task ReadmeSetup_OnAnEmptyServer_GivesTheTotalsOfTheWorkReport_AndItsExportReadsBackAsNoChange()
    {
        var root = Repository.Root;
        var lines = ReadmeDayTests.DayLines(File.ReadAllText(Path.Combine(root, "README.md")), Section);
        Assert.True(lines.Count >= 6, $"only {lines.Count} dongming lines found");
        await using var server = await ServerProcess.StartAsync(demo: false);
        var output = Directory.CreateTempSubdirectory("dongming-cli-setup-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["DONGMING_SERVER"] = server.Address,
            ["DONGMING_TOKEN_FILE"] = Path.Combine(server.DataDirectory, "admin.token"),
        };
        foreach (var line in lines)
        {
            var args = ReadmeDayTests.Words(line).Skip(1).ToArray();
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i].StartsWith("samples/", StringComparison.Ordinal)) args[i] = Path.Combine(root, args[i]);
                if (args[i] == "-o" && i + 1 < args.Length) args[i + 1] = Path.Combine(output, args[i + 1]);
            }
            var run = await Cli.RunWith(environment, args);
            Assert.True(run.ExitCode == 0, $"{line}\n{run}");
        }

        var totals = (await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" }))
            .Totals.ToDictionary(t => t.Indicator);
        var expected = File.ReadAllLines(Path.Combine(root, "src", "Dongming.Server", "Demo", "dongming-2023", "township-2023.tsv")).Where(l => l.Length > 0).ToList();
        var header = expected[0].Split('\t');
        var (code, value) = (Array.IndexOf(header, "code"), Array.IndexOf(header, "value"));
        Assert.True(expected.Count > 90);
        foreach (var row in expected.Skip(1).Select(l => l.Split('\t')))
        {
            Assert.True(totals.TryGetValue(row[code], out var total), $"no total for {row[code]}");
            Assert.Equal(decimal.Parse(row[value], CultureInfo.InvariantCulture), decimal.Parse(total.Value, CultureInfo.InvariantCulture));
        }

        var again = await Cli.RunWith(environment, "--output", "json", "import", Path.Combine(output, "dongming-2023.xlsx"), "--period", "2023", "--dry-run");
        Assert.True(again.ExitCode == 0, again.ToString());
        using var answer = System.Text.Json.JsonDocument.Parse(again.Output);
        Assert.Equal(0, answer.RootElement.GetProperty("valuesNew").GetInt32());
        Assert.Equal(0, answer.RootElement.GetProperty("valuesChanged").GetInt32());
    }
}
