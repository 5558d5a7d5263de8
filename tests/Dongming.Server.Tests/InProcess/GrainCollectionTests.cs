using Dongming.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Dongming.Server.Tests.InProcess;

/// <summary><c>Dongming:Grains:CollectionAge</c>: validated at start-up; idle village ledgers leave memory and come back with their values.</summary>
public sealed class GrainCollectionTests
{
    [Fact]
    public async Task CollectionAge_IsTheSilosGrainCollectionAge_AndCollectedLedgersAnswerTheSameValuesAgain()
    {
        await using var server = await InProcessServer.StartAsync(["--Dongming:Grains:CollectionAge=00:00:07"]);
        Assert.Equal(TimeSpan.FromSeconds(7), server.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);

        var township = "gc-" + Rpc.Id()[..8];
        await new TownshipService.TownshipServiceClient(server.Channel).RegisterTownshipAsync(new RegisterTownshipRequest
        {
            Township = new Township { TownshipId = township, Name = "回收镇", StatisticalCode = "", CodeSystem = "" },
        });
        var indicator = "gc_sheep_" + Rpc.Id()[..6];
        await new CatalogService.CatalogServiceClient(server.Channel).DefineIndicatorAsync(new DefineIndicatorRequest
        {
            RequestId = Rpc.Id(),
            Indicator = new Indicator { Code = indicator, NameZh = "羊", NameEn = "Sheep", Unit = "head", Category = "livestock", Kind = IndicatorKind.Stock, EnteredAt = EnteredAt.Village },
        });
        var villages = Enumerable.Range(0, 5).Select(i => $"{township}-v{i}").ToArray();
        var reporting = new ReportingService.ReportingServiceClient(server.Channel);
        foreach (var (village, i) in villages.Select((v, i) => (v, i)))
        {
            await new VillageService.VillageServiceClient(server.Channel).RegisterVillageAsync(new RegisterVillageRequest { VillageId = village, Name = "村" + i, Kind = VillageKind.Village, TownshipId = township });
            for (var month = 1; month <= 12; month++)
                await reporting.ReportValuesAsync(Rpc.Report(village, $"2031-{month:D2}", (indicator, (i * 100 + month).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        var before = await Task.WhenAll(villages.Select(async v => (await reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = v, Period = "2031-06" })).Values.Single().Value));

        var management = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var ledgers = await LedgerActivationsAsync(management);
        Assert.True(ledgers >= villages.Length, $"{ledgers} ledgers active");
        await management.ForceActivationCollection(TimeSpan.Zero); // what the collector does to grains idle longer than the age
        var left = await LedgerActivationsAsync(management);
        Assert.True(left <= ledgers - villages.Length, $"{left} of {ledgers} ledgers still active");

        var after = await Task.WhenAll(villages.Select(async v => (await reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = v, Period = "2031-06" })).Values.Single().Value));
        Assert.Equal(before, after);
        Assert.Equal(villages.Select((_, i) => (i * 100 + 6).ToString(System.Globalization.CultureInfo.InvariantCulture)), after);
        var totals = await new TownshipService.TownshipServiceClient(server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = township, Period = "2031-06" });
        Assert.Equal(villages.Select((_, i) => i * 100 + 6).Sum().ToString(System.Globalization.CultureInfo.InvariantCulture), totals.Totals.Single(t => t.Indicator == indicator).Value);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public async Task CollectionAge_BelowTwoSeconds_StopsTheStart(string age)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessServer.StartAsync([$"--Dongming:Grains:CollectionAge={age}"]));
        Assert.Contains("Dongming:Grains:CollectionAge", e.Message, StringComparison.Ordinal);
    }

    private static async Task<int> LedgerActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("LedgerGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
}
