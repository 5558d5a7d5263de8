using Dongming.Contracts.V1;
using Dongming.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Dongming.Server.Tests.InProcess;

/// <summary>
/// <c>Dongming:Grains:LoadTownshipsAtStart</c> and the memory-pressure settings of <c>Dongming:Grains</c>: a restarted
/// server loads its townships before the first read; shedding is Orleans' own, set from the section and validated.
/// </summary>
public sealed class TownshipWarmUpTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restart_LoadsEveryTownshipBeforeAnyCallReachesIt_UnlessTurnedOff_AndItsTotalsAreRight(bool loadAtStart)
    {
        var data = Directory.CreateTempSubdirectory("dongming-warmup-");
        try
        {
            var township = "warm-" + Rpc.Id()[..8];
            var indicator = "warm_sheep_" + Rpc.Id()[..6];
            await using (var first = await InProcessServer.StartAsync(dataDirectory: data))
            {
                await new TownshipService.TownshipServiceClient(first.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
                {
                    Township = new Township { TownshipId = township, Name = "预热镇", StatisticalCode = "", CodeSystem = "" },
                });
                await new CatalogService.CatalogServiceClient(first.Channel).DefineIndicatorAsync(new DefineIndicatorRequest
                {
                    RequestId = Rpc.Id(),
                    Indicator = new Indicator { Code = indicator, NameZh = "羊", NameEn = "Sheep", Unit = "head", Category = "livestock", Kind = IndicatorKind.Stock, EnteredAt = EnteredAt.Village },
                });
                await new VillageService.VillageServiceClient(first.Channel).RegisterVillageAsync(new RegisterVillageRequest { VillageId = township + "-v0", Name = "村", Kind = VillageKind.Village, TownshipId = township });
                await new ReportingService.ReportingServiceClient(first.Channel).ReportValuesAsync(Rpc.Report(township + "-v0", "2031", (indicator, "41")));
            }

            await using var second = await InProcessServer.StartAsync([$"--Dongming:Grains:LoadTownshipsAtStart={loadAtStart}"], dataDirectory: data);
            await second.Services.GetServices<IHostedService>().OfType<TownshipWarmUp>().Single().Completion;

            var management = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var townships = (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("TownshipGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
            Assert.Equal(loadAtStart ? 1 : 0, townships);
            var totals = await new TownshipService.TownshipServiceClient(second.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = township, Period = "2031" });
            Assert.Equal("41", totals.Totals.Single(t => t.Indicator == indicator).Value);
        }
        finally
        {
            try { data.Delete(recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task MemoryShedding_IsOrleansActivationShedding_FromTheSection()
    {
        await using (var defaults = await InProcessServer.StartAsync())
        {
            var o = defaults.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
            Assert.Equal((true, 80, 70), (o.EnableActivationSheddingOnMemoryPressure, o.MemoryUsageLimitPercentage, o.MemoryUsageTargetPercentage));
        }
        await using (var set = await InProcessServer.StartAsync(["--Dongming:Grains:ShedAtMemoryPercent=90", "--Dongming:Grains:ShedToMemoryPercent=60"]))
        {
            var o = set.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
            Assert.Equal((true, 90, 60), (o.EnableActivationSheddingOnMemoryPressure, o.MemoryUsageLimitPercentage, o.MemoryUsageTargetPercentage));
        }
        await using var off = await InProcessServer.StartAsync(["--Dongming:Grains:ShedAtMemoryPercent=0"]);
        Assert.False(off.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.EnableActivationSheddingOnMemoryPressure);
    }

    [Theory]
    [InlineData("101", "70", "ShedAtMemoryPercent")]
    [InlineData("-1", "70", "ShedAtMemoryPercent")]
    [InlineData("80", "80", "ShedToMemoryPercent")]
    [InlineData("80", "0", "ShedToMemoryPercent")]
    public async Task MemoryShedding_OutOfRange_StopsTheStart_NamingTheSetting(string at, string to, string named)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessServer.StartAsync([$"--Dongming:Grains:ShedAtMemoryPercent={at}", $"--Dongming:Grains:ShedToMemoryPercent={to}"]));

        Assert.Contains("Dongming:Grains:" + named, e.Message, StringComparison.Ordinal);
    }
}
