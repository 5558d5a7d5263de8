using System.Text;
using Dongming.Server.Tests;
using Dongming.Tests.Shared;

namespace Dongming.Cli.Tests;

/// <summary>A server of its own (the day moves a demo case and imports a ledger; the shared server's tests read those).</summary>
public sealed class ReadmeDayFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ServerProcess.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Every <c>dongming</c> line of the README's "A day in the life" section, in its order, as a shell would run it from
/// the repository root: <c>"$TOKEN"</c> is a reporter token of datai minted by the server binary's <c>token issue</c>,
/// DONGMING_TOKEN_FILE the server's admin token, files written by <c>-o</c> go to a temp folder.
/// </summary>
public sealed class ReadmeDayTests(ReadmeDayFixture fixture) : IClassFixture<ReadmeDayFixture>
{
    [Fact]
    public async Task ReadmeDay_EveryCommandInOrder_Succeeds()
    {
        var lines = DayLines(File.ReadAllText(Path.Combine(Repository.Root, "README.md")));
        Assert.True(lines.Count >= 10, $"only {lines.Count} dongming lines found");
        var server = fixture.Server;
        var reporter = await Cli.IssueReporterTokenAsync(server.DataDirectory, "datai");
        var output = Directory.CreateTempSubdirectory("dongming-cli-day-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["DONGMING_SERVER"] = server.Address,
            ["DONGMING_TOKEN_FILE"] = Path.Combine(server.DataDirectory, "admin.token"),
        };
        var failures = new List<string>();
        foreach (var line in lines)
        {
            var args = Words(line).Skip(1).Select(w => w == "$TOKEN" ? reporter : w).ToArray();
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i].StartsWith("samples/", StringComparison.Ordinal)) args[i] = Path.Combine(Repository.Root, args[i]);
                if (args[i] == "-o" && i + 1 < args.Length) args[i + 1] = Path.Combine(output, args[i + 1]);
            }
            var run = await Cli.RunWith(environment, args);
            if (run.ExitCode != 0) failures.Add($"{line}\n{run}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(new FileInfo(Path.Combine(output, "dongming-2023.xlsx")).Length > 0);
        Assert.Contains("东明镇", File.ReadAllText(Path.Combine(output, "review-2023.md")), StringComparison.Ordinal);
    }

    /// <summary>The lines of the section's code blocks that run the tool.</summary>
    public static List<string> DayLines(string readme, string section = "## A day in the life (the `dongming` tool)")
    {
        var start = readme.IndexOf(section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"the README has no section {section}");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var body = readme[start..(end < 0 ? readme.Length : end)];
        var lines = new List<string>();
        var inCode = false;
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            else if (inCode && line.StartsWith("dongming ", StringComparison.Ordinal)) lines.Add(line);
        }
        return lines;
    }

    /// <summary>A command line split as a shell splits it (double quotes group, <c>$TOKEN</c> kept as a word).</summary>
    internal static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ' ' && !quoted)
            {
                if (word.Length > 0) words.Add(word.ToString());
                word.Clear();
            }
            else word.Append(c);
        }
        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }

}
