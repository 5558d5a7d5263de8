using System.Globalization;
using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Dongming.Server.Tests.Security;
using Grpc.Core;

namespace Dongming.Server.Tests;

/// <summary>
/// WatchTotals under many watchers: one feed per watched totals, shared by every stream (each change read and
/// computed once), streams capped per caller and in total, and no stream outliving its token.
/// </summary>
public sealed class WatchTotalsTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    private static decimal Sheep(WatchTotalsResponse m) => decimal.Parse(m.Totals.Single(t => t.Indicator == "livestock_sheep").Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task WatchTotals_ManyWatchersOfTheSameTotals_EachSeeEveryChangeOnce()
    {
        var period = Rpc.FreshPeriod();
        var reporting = new ReportingService.ReportingServiceClient(Server.Channel);
        await reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", "1")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Distinct subjects: the per-caller cap is not what this test is about.
        var watchers = Enumerable.Range(0, 12).Select(i => new TownshipService.TownshipServiceClient(SecurityTestSupport.Invoker(Server, Who.Viewer, "watcher-" + i + "-" + Rpc.Id()))
            .WatchTotals(new WatchTotalsRequest { TownshipId = "dongming", Period = period, Indicators = { "livestock_sheep" } }, cancellationToken: cts.Token)).ToList();
        try
        {
            foreach (var w in watchers)
            {
                Assert.True(await w.ResponseStream.MoveNext(cts.Token));
                Assert.True(w.ResponseStream.Current.Initial);
                Assert.Equal(1, Sheep(w.ResponseStream.Current));
            }
            for (var n = 2; n <= 4; n++)
            {
                await reporting.ReportValuesAsync(Rpc.Report("datai", period, ("livestock_sheep", n.ToString(CultureInfo.InvariantCulture))));
                foreach (var w in watchers)
                {
                    // Changes may coalesce (a watcher sees the latest totals), but never go backwards or repeat.
                    decimal seen;
                    do
                    {
                        Assert.True(await w.ResponseStream.MoveNext(cts.Token));
                        Assert.False(w.ResponseStream.Current.Initial);
                        seen = Sheep(w.ResponseStream.Current);
                    }
                    while (seen < n);
                    Assert.Equal(n, seen);
                }
            }
        }
        finally
        {
            cts.Cancel();
            foreach (var w in watchers) w.Dispose();
        }
    }

    [Fact]
    public async Task WatchTotals_BeyondTheCallersStreamLimit_IsResourceExhausted()
    {
        await using var server = await ServerProcess.StartAsync(demo: false, extraArgs: ["--Dongming:Watch:MaxStreamsPerCaller=2"]);
        await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = "capped", Name = "限流镇" } });
        var township = new TownshipService.TownshipServiceClient(server.Channel);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var request = new WatchTotalsRequest { TownshipId = "capped", Period = "2030" };
        using var first = township.WatchTotals(request, cancellationToken: cts.Token);
        using var second = township.WatchTotals(request, cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(cts.Token));
        Assert.True(await second.ResponseStream.MoveNext(cts.Token));
        using var third = township.WatchTotals(request, cancellationToken: cts.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);

        // Closing one frees its place.
        first.Dispose();
        var again = await PollAsync(async () =>
        {
            using var fourth = township.WatchTotals(request, cancellationToken: cts.Token);
            try { return await fourth.ResponseStream.MoveNext(cts.Token); }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted) { return false; }
        });
        Assert.True(again);
        cts.Cancel();
    }

    [Fact]
    public async Task WatchTotals_WhenTheTokenExpires_EndsUnauthenticated()
    {
        var token = SecurityTestSupport.Issuer(Server).Issue(new TokenRequest("short-lived-" + Rpc.Id(), "短期", Roles.Viewer, null, [], TimeSpan.FromSeconds(3)));
        var township = new TownshipService.TownshipServiceClient(Server.As(token));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = township.WatchTotals(new WatchTotalsRequest { TownshipId = "dongming", Period = Rpc.FreshPeriod() }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var ended = await Assert.ThrowsAsync<RpcException>(async () => { while (await call.ResponseStream.MoveNext(cts.Token)) { } });
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.False(cts.IsCancellationRequested); // ended by the server at expiry, not by the test's own timeout
    }

    /// <summary>Retries a check until it holds: the server frees a stream's place once the cancelled call has unwound.</summary>
    private static async Task<bool> PollAsync(Func<Task<bool>> check)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await check()) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
