using Dongming.Contracts.V1;
using Google.Rpc;
using Grpc.Core;

[assembly: AssemblyFixture(typeof(Dongming.Server.Tests.DemoServerFixture))]

namespace Dongming.Server.Tests;

/// <summary>One server with the 2023 demo loaded, shared by the tests that don't restart it (fresh ids per test).</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ServerProcess.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public static class Tsv
{
    public static List<Dictionary<string, string>> Read(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", file)).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split('\t');
        return [.. lines.Skip(1).Select(l => { var c = l.Split('\t'); return header.Select((h, i) => (h, i < c.Length ? c[i] : "")).ToDictionary(x => x.h, x => x.Item2); })];
    }
}

public static class Rpc
{
    /// <summary>Runs a call expected to fail; returns the status code and the field violations of its BadRequest details.</summary>
    public static async Task<(StatusCode Code, string Message, IReadOnlyList<string> Fields)> Fails(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        var fields = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
        return (e.StatusCode, e.Status.Detail, fields);
    }

    public static string Id() => Guid.NewGuid().ToString("N");

    public static ReportValuesRequest Report(string orgUnit, string period, params (string Indicator, string Value)[] values)
    {
        var r = new ReportValuesRequest { OrgUnitId = orgUnit, Period = period, RequestId = Id(), Comment = "e2e" };
        r.Values.AddRange(values.Select(v => new IndicatorValue { Indicator = v.Indicator, Value = v.Value }));
        return r;
    }

    /// <summary>A period no other test writes to, so the shared server's totals stay predictable per test.</summary>
    public static string FreshPeriod()
    {
        var n = Interlocked.Increment(ref _period);
        return $"{2040 + n / 12}-{n % 12 + 1:D2}";
    }

    private static int _period;
}
