using System.Diagnostics;
using Dongming.Server.Tests;

[assembly: AssemblyFixture(typeof(Dongming.Cli.Tests.CliServerFixture))]

namespace Dongming.Cli.Tests;

/// <summary>One real server (the binary, on free loopback ports) with the 2023 demo, shared by the CLI's tests (fresh ids per test).</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ServerProcess.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>What one run of the tool printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the tool's entry point in process, capturing stdout, stderr and the exit code.</summary>
public static class Cli
{
    /// <summary>The tool against <paramref name="server"/> with its admin token (given as DONGMING_TOKEN) unless the test says otherwise.</summary>
    public static Task<CliResult> Run(ServerProcess server, params string[] args) =>
        RunWith(new Dictionary<string, string> { ["DONGMING_SERVER"] = server.Address, ["DONGMING_TOKEN"] = server.AdminToken! }, args);

    public static async Task<CliResult> RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliConsole(output, error, environment, width: 250), TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>CSV as the tool writes it (RFC 4180) into rows of cells.</summary>
    public static List<string[]> ReadCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else if (c != '\r') cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }
        return rows;
    }

    /// <summary>A village reporter token for <paramref name="village"/>, minted by the server binary (<c>token issue</c>) on its data directory.</summary>
    public static async Task<string> IssueReporterTokenAsync(string dataDirectory, string village)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Dongming.Server.dll"), "token", "issue", "--role", "village_reporter", "--village", village,
            "--subject", "u123", "--name", "张三", $"--Dongming:DataDirectory={dataDirectory}" }) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        return (await stdout).Trim();
    }

    public static string Id() => Guid.NewGuid().ToString("N")[..12];
}
