using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Google.Protobuf;
using Grpc.Core;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Throughput;

/// <summary>
/// GetTotals answers are encoded once per totals version and request (src/Dongming.Server/Services/TotalsWire.cs):
/// a kept answer is never stale, never another request's, and never reaches a caller the policy refuses.
/// </summary>
public sealed class TotalsAnswerCacheTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    /// <summary>A fresh township with two villages, each reporting livestock_sheep and livestock_breeding_cows.</summary>
    private async Task<(string Township, string Village, string Other)> FreshTownshipAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var township = "cache-" + tag;
        await new TownshipService.TownshipServiceClient(Server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
        {
            Township = new Township { TownshipId = township, Name = "缓存镇", StatisticalCode = "", CodeSystem = "" },
        });
        var villages = new VillageService.VillageServiceClient(Server.Channel);
        var reporting = new ReportingService.ReportingServiceClient(Server.Channel);
        foreach (var (village, sheep) in new[] { ($"cv-{tag}-1", "10"), ($"cv-{tag}-2", "20") })
        {
            await villages.RegisterVillageAsync(new RegisterVillageRequest { VillageId = village, Name = "缓存村" + sheep, Kind = VillageKind.Village, TownshipId = township });
            await reporting.ReportValuesAsync(Rpc.Report(village, "2024", ("livestock_sheep", sheep), ("livestock_breeding_cows", "1")));
        }
        return (township, $"cv-{tag}-1", $"cv-{tag}-2");
    }

    private static string Sheep(GetTotalsResponse r) => r.Totals.Single(t => t.Indicator == "livestock_sheep").Value;

    [Fact]
    public void WatchTotalsChange_EncodedOnce_IsSentAsThoseBytes_AndAnyOtherMessageAsProtobufEncodesIt()
    {
        var change = new WatchTotalsResponse { Version = 7, Totals = { new Total { Indicator = "livestock_sheep", Value = "30" } }, Removed = { "livestock_cattle" } };
        Assert.Same(change, Dongming.Server.Services.TotalsWire.EncodeOnce(change));
        var sent = Encode(change);
        Assert.True(sent.Kept);
        Assert.Equal(change.ToByteArray(), sent.Bytes);

        var whole = new WatchTotalsResponse { Initial = true, Version = 8, Totals = { new Total { Indicator = "livestock_sheep", Value = "31" } } };
        var written = Encode(whole);
        Assert.False(written.Kept);
        Assert.Equal(whole.ToByteArray(), written.Bytes);
    }

    private static (bool Kept, byte[] Bytes) Encode(WatchTotalsResponse message)
    {
        var context = new CapturingContext();
        Dongming.Server.Services.TotalsWire.WatchMarshaller.ContextualSerializer(message, context);
        return (context.Kept, context.Bytes!);
    }

    /// <summary>What gRPC's writer does with a marshaller's output: kept bytes handed over whole, or written to its buffer.</summary>
    private sealed class CapturingContext : SerializationContext
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

        public bool Kept { get; private set; }

        public byte[]? Bytes { get; private set; }

        public override void Complete(byte[] payload) => (Kept, Bytes) = (true, payload);

        public override System.Buffers.IBufferWriter<byte> GetBufferWriter() => _buffer;

        public override void SetPayloadLength(int payloadLength)
        {
        }

        public override void Complete() => Bytes = _buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public async Task GetTotals_AfterAReport_AnswersTheNewTotals_NotTheKeptOnes()
    {
        var (township, village, _) = await FreshTownshipAsync();
        var client = new TownshipService.TownshipServiceClient(Server.Channel);
        var request = new GetTotalsRequest { TownshipId = township, Period = "2024" };

        var first = await client.GetTotalsAsync(request);
        var again = await client.GetTotalsAsync(request);
        Assert.Equal("30", Sheep(first));
        Assert.Equal(first, again); // the same version answers the same (kept) bytes

        await new ReportingService.ReportingServiceClient(Server.Channel).ReportValuesAsync(Rpc.Report(village, "2024", ("livestock_sheep", "15")));
        var after = await client.GetTotalsAsync(request);
        Assert.Equal("35", Sheep(after));
        Assert.True(after.Version > first.Version, $"version {after.Version} after {first.Version}");
    }

    [Fact]
    public async Task GetTotals_RequestsThatDiffer_EachGetTheirOwnAnswer_InAnyOrder()
    {
        var (township, village, other) = await FreshTownshipAsync();
        var client = new TownshipService.TownshipServiceClient(Server.Channel);
        var all = new GetTotalsRequest { TownshipId = township, Period = "2024" };
        var sheepOnly = new GetTotalsRequest { TownshipId = township, Period = "2024", Indicators = { "livestock_sheep" } };
        var withBreakdown = new GetTotalsRequest { TownshipId = township, Period = "2024", Indicators = { "livestock_sheep" }, IncludeBreakdown = true };

        for (var round = 0; round < 2; round++)
        {
            var a = await client.GetTotalsAsync(all);
            var s = await client.GetTotalsAsync(sheepOnly);
            var b = await client.GetTotalsAsync(withBreakdown);
            Assert.Contains(a.Totals, t => t.Indicator == "livestock_breeding_cows" && t.Value == "2");
            Assert.Contains(a.Totals, t => t.Indicator == "livestock_sheep" && t.Value == "30");
            Assert.All(a.Totals, t => Assert.Empty(t.Breakdown));
            Assert.Equal("livestock_sheep", Assert.Single(s.Totals).Indicator);
            Assert.Empty(s.Totals[0].Breakdown);
            Assert.Equal([village, other], b.Totals.Single().Breakdown.Select(x => x.OrgUnitId).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task GetTotals_BreakdownKeptForStaff_IsStillDeniedToAReporter()
    {
        var (township, village, _) = await FreshTownshipAsync();
        var withBreakdown = new GetTotalsRequest { TownshipId = township, Period = "2024", IncludeBreakdown = true };
        var staff = new TownshipService.TownshipServiceClient(Server.As(Issuer(Server).Issue(
            new TokenRequest("t-cache-staff", "镇干部", Roles.TownshipStaff, township, [], TimeSpan.FromHours(1)))));
        var reporter = new TownshipService.TownshipServiceClient(Server.As(Issuer(Server).Issue(
            new TokenRequest("t-cache-reporter", "报账员", Roles.VillageReporter, null, [village], TimeSpan.FromHours(1)))));

        Assert.NotEmpty((await staff.GetTotalsAsync(withBreakdown)).Totals.First().Breakdown);
        var denied = await Assert.ThrowsAsync<RpcException>(() => reporter.GetTotalsAsync(withBreakdown).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        // Without the breakdown the reporter reads the township's totals.
        var totals = await reporter.GetTotalsAsync(new GetTotalsRequest { TownshipId = township, Period = "2024" });
        Assert.All(totals.Totals, t => Assert.Empty(t.Breakdown));
    }
}
