using System.Diagnostics;

namespace Dongming.Server.Tests.Operations;

/// <summary>Runs the server binary to completion (a command, or a start expected to fail) and captures its output.</summary>
public static class ServerBinary
{
    public static async Task<(int Exit, string Stdout, string Stderr, TimeSpan Elapsed)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dongming.Server.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var started = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the server binary did not exit: {string.Join(' ', args)}\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr, started.Elapsed);
    }

    /// <summary>The server arguments of a start on <paramref name="dataDirectory"/> with the given ports (metrics off unless given; HTTP/JSON on a free port unless given).</summary>
    public static string[] ServeArgs(string dataDirectory, int port, int siloPort, int gatewayPort, int metricsPort = 0, int? httpPort = null) =>
    [
        "--urls", $"http://127.0.0.1:{port}", $"--Dongming:DataDirectory={dataDirectory}", $"--Dongming:Orleans:SiloPort={siloPort}",
        $"--Dongming:Orleans:GatewayPort={gatewayPort}", $"--Dongming:Metrics:Port={metricsPort}", "--Dongming:Demo:Load=false",
        $"--Dongming:Http:Port={httpPort ?? ServerProcess.FreePort()}",
    ];
}

/// <summary>
/// The operations tests that start servers of their own and load them (floods, full disks, kills) run one after
/// another: at once they would starve each other's start-up on a small machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OperationsCollection
{
    public const string Name = "operations";
}
