namespace Dongming.Cli.Tests;

/// <summary>Every failure is one line on stderr and an exit code a script can act on.</summary>
public sealed class ErrorTests(CliServerFixture fixture)
{
    [Fact]
    public async Task Values_UnknownVillage_IsNotFoundExit3()
    {
        var run = await Cli.Run(fixture.Server, "values", "no-such-" + Cli.Id(), "2023");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("NOT_FOUND: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Report_BadValues_OneLineWithEveryField()
    {
        var run = await Cli.Run(fixture.Server, "report", "datai", "2031", "livestock_sheep=1.5", "no_such_indicator=3", "livestock_cattle=abc");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("INVALID_ARGUMENT: ", line, StringComparison.Ordinal);
        Assert.Contains("values[0].value: ", line, StringComparison.Ordinal);
        Assert.Contains("values[1].indicator: ", line, StringComparison.Ordinal);
        Assert.Contains("values[2].value: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totals_BadPeriod_IsInvalidArgumentNamingPeriod()
    {
        var run = await Cli.Run(fixture.Server, "totals", "2023Q5");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("INVALID_ARGUMENT: period: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoToken_IsUnauthenticatedExit4()
    {
        var run = await Cli.RunWith(new Dictionary<string, string> { ["DONGMING_SERVER"] = fixture.Server.Address }, "villages");

        Assert.Equal(4, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("UNAUTHENTICATED: ", line, StringComparison.Ordinal);
        Assert.Contains("DONGMING_TOKEN", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReporterOfAnotherVillage_IsPermissionDeniedExit4()
    {
        var token = await Cli.IssueReporterTokenAsync(fixture.Server.DataDirectory, "datai");

        var own = await Cli.Run(fixture.Server, "values", "datai", "2023", "--token", token, "--output", "json");
        var other = await Cli.Run(fixture.Server, "values", "xiaotai", "2023", "--token", token);

        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Equal(4, other.ExitCode);
        Assert.StartsWith("PERMISSION_DENIED: ", Assert.Single(other.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongToken_IsUnauthenticatedExit4()
    {
        var run = await Cli.Run(fixture.Server, "villages", "--token", "not-a-token");

        Assert.Equal(4, run.ExitCode);
        Assert.StartsWith("UNAUTHENTICATED: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFile_FromTheEnvironment_IsUsed()
    {
        var file = Path.Combine(fixture.Server.DataDirectory, "admin.token");
        var run = await Cli.RunWith(new Dictionary<string, string> { ["DONGMING_SERVER"] = fixture.Server.Address, ["DONGMING_TOKEN_FILE"] = file }, "villages", "--output", "csv");
        var missing = await Cli.Run(fixture.Server, "villages", "--token-file", Path.Combine(fixture.Server.DataDirectory, "no-such.token"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("datai,大台", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("cannot read the token file ", Assert.Single(missing.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_IsUnavailableExit5()
    {
        var port = Dongming.Server.Tests.ServerProcess.FreePort();
        var run = await Cli.Run(fixture.Server, "villages", "--server", $"http://127.0.0.1:{port}");

        Assert.Equal(5, run.ExitCode);
        Assert.StartsWith($"UNAVAILABLE: cannot reach http://127.0.0.1:{port}/", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("values", "datai")] // a missing argument
    [InlineData("values", "datai", "2023", "--bogus")] // an unknown option
    [InlineData("report", "datai", "2024Q1", "livestock_sheep")] // not CODE=VALUE
    [InlineData("cases", "--status", "finished")] // not a status
    [InlineData("villages", "--output", "xml")] // not an output format
    [InlineData("villages", "--server", "localhost:5080")] // not an address
    [InlineData("export", "totals", "2023", "-o", "totals.pdf")] // a format the extension does not give
    public async Task BadCommandLine_IsUsageExit1(params string[] args)
    {
        var run = await Cli.Run(fixture.Server, args);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.NotEmpty(run.ErrorLines);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("values", "--help")]
    [InlineData("case", "move", "--help")]
    [InlineData("import", "--help")]
    [InlineData("export", "totals", "--help")]
    [InlineData("review", "--help")]
    public async Task Help_ShowsUsageAndExamples(params string[] args)
    {
        var run = await Cli.Run(fixture.Server, args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        var examples = run.Output[run.Output.IndexOf("Examples:\n", StringComparison.Ordinal)..];
        Assert.Contains("\n  dongming ", examples, StringComparison.Ordinal);
    }
}
