using Dongming.Contracts.V1;
using Google.Protobuf;

namespace Dongming.Cli.Tests;

/// <summary>review YEAR -o FILE (ReportService on the real server).</summary>
public sealed class ReviewCommandTests(CliServerFixture fixture)
{
    [Fact]
    public async Task Review_2023Markdown_WritesTheReviewAndListsItsFigures()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dongming-cli-review-").FullName, "review-2023.md");

        var run = await Cli.Run(fixture.Server, "review", "2023", "-o", path, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var text = await File.ReadAllTextAsync(path);
        var answer = new JsonParser(JsonParser.Settings.Default).Parse<RenderReviewResponse>(run.Output);
        Assert.NotEmpty(answer.Figures);
        Assert.All(answer.Figures, f => Assert.Contains(f.Text, text, StringComparison.Ordinal));
        Assert.True(answer.Content.IsEmpty);
    }

    [Fact]
    public async Task Review_DocxFromTheExtension_WritesAWordDocument()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("dongming-cli-review-").FullName, "review-2023.docx");

        var run = await Cli.Run(fixture.Server, "review", "2023", "-o", path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal((byte)'P', bytes[0]);
        Assert.Equal((byte)'K', bytes[1]);
        Assert.Contains("figures:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_UnknownExtension_IsUsageExit1()
    {
        var run = await Cli.Run(fixture.Server, "review", "2023", "-o", "review.pdf");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--format md|docx", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
