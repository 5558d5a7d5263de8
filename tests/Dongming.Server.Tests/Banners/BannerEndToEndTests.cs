using System.Globalization;
using Dongming.Contracts.V1;
using Dongming.Grains.Abstractions;
using Dongming.Server.Security;
using Dongming.Server.Tests.InProcess;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Dongming.Server.Tests.Banners;

/// <summary>
/// An in-process server (no demo) with a banner of 20 townships × 30 villages, built once for the class; the tests
/// report into fresh periods so they do not see each other's figures.
/// </summary>
public sealed class BannerServerFixture : IAsyncLifetime
{
    public const string Flow = "bn_output";
    public const string Stock = "bn_sheep";
    public const string Ratio = "bn_coverage";

    public InProcessServer Server { get; private set; } = null!;
    public string BannerId { get; } = "qi-" + Rpc.Id()[..10];
    public List<(string Township, List<string> Villages)> Townships { get; } = [];

    public BannerService.BannerServiceClient Banners => new(Server.Channel);
    public TownshipService.TownshipServiceClient TownshipClient => new(Server.Channel);
    public IGrainFactory Grains => Server.Services.GetRequiredService<IGrainFactory>();

    public async ValueTask InitializeAsync()
    {
        Server = await InProcessServer.StartAsync(["--Dongming:RateLimit:PermitsPerSecond=0"]);
        var catalog = new CatalogService.CatalogServiceClient(Server.Channel);
        foreach (var (code, unit, kind, at) in new[] { (Flow, "yuan", IndicatorKind.Flow, EnteredAt.Village), (Stock, "mu", IndicatorKind.Stock, EnteredAt.Village), (Ratio, "ratio", IndicatorKind.Ratio, EnteredAt.Township) })
        {
            await catalog.DefineIndicatorAsync(new DefineIndicatorRequest
            {
                RequestId = "def-" + code,
                Indicator = new Indicator { Code = code, NameZh = code, NameEn = code, Unit = unit, Category = "banner_test", Kind = kind, EnteredAt = at },
            });
        }
        await Banners.RegisterBannerAsync(new RegisterBannerRequest { BannerId = BannerId, Name = "奈曼旗" });
        var villages = new VillageService.VillageServiceClient(Server.Channel);
        for (var t = 0; t < 20; t++) Townships.Add(($"{BannerId}-t{t:D2}", [.. Enumerable.Range(0, 30).Select(v => $"{BannerId}-t{t:D2}-v{v:D2}")]));
        await Task.WhenAll(Townships.Select(async t =>
        {
            await TownshipClient.RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = t.Township, Name = "镇" + t.Township } });
            foreach (var v in t.Villages)
                await villages.RegisterVillageAsync(new RegisterVillageRequest { VillageId = v, Name = "村" + v, Kind = VillageKind.Gacha, TownshipId = t.Township });
            await Banners.AddTownshipAsync(new AddTownshipRequest { BannerId = BannerId, TownshipId = t.Township });
        }));
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Sums of the townships' totals of a period (indicator → value), read through TownshipService.</summary>
    public async Task<Dictionary<string, decimal>> SumOfTownshipsAsync(string period, IEnumerable<string> townships)
    {
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var t in townships)
        {
            foreach (var total in (await TownshipClient.GetTotalsAsync(new GetTotalsRequest { TownshipId = t, Period = period })).Totals.Where(x => x.Indicator != Ratio))
                sums[total.Indicator] = sums.GetValueOrDefault(total.Indicator) + decimal.Parse(total.Value, CultureInfo.InvariantCulture);
        }
        return sums;
    }

    public static Dictionary<string, decimal> Values(GetBannerTotalsResponse r) =>
        r.Totals.ToDictionary(t => t.Indicator, t => decimal.Parse(t.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>
    /// The banner's totals once they equal the townships' sum (waiting on the banner's change signal, at most 30 s):
    /// the forwarding is asynchronous, and this is its convergence.
    /// </summary>
    public async Task<(GetBannerTotalsResponse Banner, Dictionary<string, decimal> Expected)> ConvergedAsync(string period, IEnumerable<string>? townships = null)
    {
        var members = (townships ?? Townships.Select(t => t.Township)).ToList();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var expected = await SumOfTownshipsAsync(period, members);
            var banner = await Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = BannerId, Period = period });
            if (Values(banner).OrderBy(x => x.Key).SequenceEqual(expected.OrderBy(x => x.Key)) || DateTime.UtcNow > until) return (banner, expected);
            await Grains.GetGrain<IBannerGrain>(BannerKeys.Banner(BannerId)).WaitForChange(banner.Version, TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>A caller with a banner_staff token of <paramref name="bannerId"/>.</summary>
    public CallInvoker BannerStaff(string bannerId) =>
        Server.Anonymous.Intercept(m => { m.Add("authorization", "Bearer " + Server.Issuer.Issue(new TokenRequest("qi-staff", "旗干部", Roles.BannerStaff, null, [], TimeSpan.FromHours(1), bannerId))); return m; });
}

public sealed class BannerEndToEndTests(BannerServerFixture fixture) : IClassFixture<BannerServerFixture>
{
    private static int _year = 2060;

    private static string FreshYear() => Interlocked.Increment(ref _year).ToString(CultureInfo.InvariantCulture);

    private ReportingService.ReportingServiceClient Reporting => new(fixture.Server.Channel);

    [Fact]
    public async Task GetBannerTotals_TwentyTownshipsOfThirtyVillages_AfterConcurrentReports_EqualTheSumOfTheTownshipsExactly()
    {
        var year = FreshYear();
        // Every village reports twice (the second replaces the first), concurrently; each township enters its ratio.
        await Task.WhenAll(fixture.Townships.SelectMany(t => t.Villages.Select(async (v, i) =>
        {
            await Reporting.ReportValuesAsync(Rpc.Report(v, year, (BannerServerFixture.Flow, "1.01"), (BannerServerFixture.Stock, "7")));
            await Reporting.ReportValuesAsync(Rpc.Report(v, year, (BannerServerFixture.Flow, $"{i + 1}.{i % 10}3"), (BannerServerFixture.Stock, $"{10 + i}.25")));
        })).Concat(fixture.Townships.Select(t => Reporting.ReportValuesAsync(Rpc.Report(t.Township, year, (BannerServerFixture.Ratio, "0.5"))).ResponseAsync)));

        var (banner, expected) = await fixture.ConvergedAsync(year);

        Assert.Equal(expected.OrderBy(x => x.Key), BannerServerFixture.Values(banner).OrderBy(x => x.Key));
        // Each village i of 30 in each of 20 townships: Σ(i + 1 + (i % 10)·0.1 + 0.03) and Σ(10 + i + 0.25), exactly.
        var flow = 20 * Enumerable.Range(0, 30).Sum(i => i + 1 + (i % 10) / 10m + 0.03m);
        var stock = 20 * Enumerable.Range(0, 30).Sum(i => 10 + i + 0.25m);
        Assert.Equal(flow, decimal.Parse(banner.Totals.Single(t => t.Indicator == BannerServerFixture.Flow).Value, CultureInfo.InvariantCulture));
        Assert.Equal(stock, decimal.Parse(banner.Totals.Single(t => t.Indicator == BannerServerFixture.Stock).Value, CultureInfo.InvariantCulture));
        Assert.Equal(600, banner.Totals.Single(t => t.Indicator == BannerServerFixture.Flow).VillagesReporting);
        Assert.DoesNotContain(banner.Totals, t => t.Indicator == BannerServerFixture.Ratio);
        Assert.Equal((await fixture.Banners.GetBannerAsync(new GetBannerRequest { BannerId = fixture.BannerId })).TownshipIds.Count, banner.TownshipCount);
        Assert.True(banner.TownshipCount >= 20);
    }

    [Fact]
    public async Task GetBannerTotals_WithBreakdown_HasOneEntryPerTownship_SummingToTheTotal()
    {
        var year = FreshYear();
        await Task.WhenAll(fixture.Townships.Select((t, k) => Reporting.ReportValuesAsync(Rpc.Report(t.Villages[k], year, (BannerServerFixture.Flow, $"{k}.5"))).ResponseAsync));
        await fixture.ConvergedAsync(year);

        var answer = await fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest
        {
            BannerId = fixture.BannerId,
            Period = year,
            Indicators = { BannerServerFixture.Flow },
            IncludeBreakdown = true,
        });

        var total = Assert.Single(answer.Totals);
        Assert.Equal(fixture.Townships.Select(t => t.Township), total.Breakdown.Select(b => b.OrgUnitId));
        Assert.Equal(decimal.Parse(total.Value, CultureInfo.InvariantCulture), total.Breakdown.Sum(b => decimal.Parse(b.Value, CultureInfo.InvariantCulture)));
        for (var k = 0; k < 20; k++)
        {
            var township = (await fixture.TownshipClient.GetTotalsAsync(new GetTotalsRequest { TownshipId = fixture.Townships[k].Township, Period = year, Indicators = { BannerServerFixture.Flow } })).Totals.Single();
            Assert.Equal(township.Value, total.Breakdown[k].Value);
        }
    }

    [Fact]
    public async Task AddTownship_ATownshipAddedLater_IsCounted_AndItsLaterReportsToo()
    {
        var year = FreshYear();
        var later = "later-" + Rpc.Id()[..10];
        await fixture.TownshipClient.RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = later, Name = "后来镇" } });
        await new VillageService.VillageServiceClient(fixture.Server.Channel).RegisterVillageAsync(new RegisterVillageRequest { VillageId = later + "-v", Name = "后来村", Kind = VillageKind.Village, TownshipId = later });
        await Reporting.ReportValuesAsync(Rpc.Report(later + "-v", year, (BannerServerFixture.Flow, "1000")));
        await Reporting.ReportValuesAsync(Rpc.Report(fixture.Townships[0].Villages[0], year, (BannerServerFixture.Flow, "1")));
        var (before, _) = await fixture.ConvergedAsync(year);
        Assert.Equal("1", before.Totals.Single().Value);

        var banner = await fixture.Banners.AddTownshipAsync(new AddTownshipRequest { BannerId = fixture.BannerId, TownshipId = later });

        Assert.Contains(later, banner.TownshipIds);
        var members = banner.TownshipIds.ToList();
        var now = await fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = fixture.BannerId, Period = year });
        Assert.Equal("1001", now.Totals.Single().Value); // counted at once: the banner reads the new member's part
        await Reporting.ReportValuesAsync(Rpc.Report(later + "-v", year, (BannerServerFixture.Flow, "2000.5")));
        var (after, expected) = await fixture.ConvergedAsync(year, members);
        Assert.Equal("2001.5", after.Totals.Single().Value);
        Assert.Equal(2001.5m, expected[BannerServerFixture.Flow]);
    }

    [Fact]
    public async Task RepairBannerTotals_AfterATownshipsPartWasDamaged_CorrectsAndNamesIt()
    {
        var year = FreshYear();
        await Task.WhenAll(fixture.Townships.Select(t => Reporting.ReportValuesAsync(Rpc.Report(t.Villages[1], year, (BannerServerFixture.Stock, "3"))).ResponseAsync));
        var (_, expected) = await fixture.ConvergedAsync(year);
        var damaged = fixture.Townships[7].Township;
        // As if the banner held a part from another activation of the township that no change will continue.
        await fixture.Grains.GetGrain<IBannerGrain>(BannerKeys.Banner(fixture.BannerId)).ApplyFull(new Domain.BannerPartFull(damaged, "stale", 1,
            new Dictionary<string, Domain.BannerFigure> { [$"{year}|{BannerServerFixture.Stock}"] = new(999, 1, false, 0, 0) }, DateTimeOffset.UtcNow));
        var wrong = await fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = fixture.BannerId, Period = year });
        Assert.Equal(expected[BannerServerFixture.Stock] - 3 + 999, decimal.Parse(wrong.Totals.Single().Value, CultureInfo.InvariantCulture));

        var repair = await fixture.Banners.RepairBannerTotalsAsync(new RepairBannerTotalsRequest { BannerId = fixture.BannerId });

        Assert.Equal([damaged], repair.CorrectedTownshipIds);
        Assert.Empty(repair.RecountedTotals);
        var right = await fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = fixture.BannerId, Period = year });
        Assert.Equal(expected[BannerServerFixture.Stock], decimal.Parse(right.Totals.Single().Value, CultureInfo.InvariantCulture));
        Assert.True(right.Version > wrong.Version);
    }

    [Fact]
    public async Task GetBanner_ListsItsTownships_AndUnknownIsNotFound()
    {
        var banner = await fixture.Banners.GetBannerAsync(new GetBannerRequest { BannerId = fixture.BannerId });
        Assert.Equal("奈曼旗", banner.Name);
        Assert.Superset(fixture.Townships.Select(t => t.Township).ToHashSet(), banner.TownshipIds.ToHashSet());

        var (code, _, _) = await Rpc.Fails(() => fixture.Banners.GetBannerAsync(new GetBannerRequest { BannerId = "no-such-banner" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, code);
    }

    [Fact]
    public async Task BannerCalls_BadOrUnknownInput_AreInvalidArgumentNamingEveryField_OrNotFound()
    {
        var unknownTotals = await Rpc.Fails(() => fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = "no-such-banner", Period = "2023" }).ResponseAsync);
        var badId = await Rpc.Fails(() => fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = "Bad Id", Period = "2023" }).ResponseAsync);
        var badQuery = await Rpc.Fails(() => fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = fixture.BannerId, Period = "2023Q5", Indicators = { "Not A Code" } }).ResponseAsync);
        var unknownIndicator = await Rpc.Fails(() => fixture.Banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = fixture.BannerId, Period = "2023", Indicators = { "no_such_indicator" } }).ResponseAsync);
        var badRegistration = await Rpc.Fails(() => fixture.Banners.RegisterBannerAsync(new RegisterBannerRequest { BannerId = "9", Name = "" }).ResponseAsync);
        var badAdd = await Rpc.Fails(() => fixture.Banners.AddTownshipAsync(new AddTownshipRequest { BannerId = "", TownshipId = "X" }).ResponseAsync);
        var unknownTownship = await Rpc.Fails(() => fixture.Banners.AddTownshipAsync(new AddTownshipRequest { BannerId = fixture.BannerId, TownshipId = "no-such-township" }).ResponseAsync);
        var unknownBanner = await Rpc.Fails(() => fixture.Banners.AddTownshipAsync(new AddTownshipRequest { BannerId = "no-such-banner", TownshipId = fixture.Townships[0].Township }).ResponseAsync);
        var renamed = await Rpc.Fails(() => fixture.Banners.RegisterBannerAsync(new RegisterBannerRequest { BannerId = fixture.BannerId, Name = "别名" }).ResponseAsync);
        var other = "qi-" + Rpc.Id()[..10];
        await fixture.Banners.RegisterBannerAsync(new RegisterBannerRequest { BannerId = other, Name = "库伦旗" });
        var secondBanner = await Rpc.Fails(() => fixture.Banners.AddTownshipAsync(new AddTownshipRequest { BannerId = other, TownshipId = fixture.Townships[0].Township }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknownTotals.Code);
        Assert.Equal((StatusCode.InvalidArgument, "banner_id"), (badId.Code, string.Join(",", badId.Fields)));
        Assert.Equal((StatusCode.InvalidArgument, "period,indicators[0]"), (badQuery.Code, string.Join(",", badQuery.Fields)));
        Assert.Equal((StatusCode.NotFound, "indicators[0]"), (unknownIndicator.Code, string.Join(",", unknownIndicator.Fields)));
        Assert.Equal((StatusCode.InvalidArgument, "banner_id,name"), (badRegistration.Code, string.Join(",", badRegistration.Fields)));
        Assert.Equal((StatusCode.InvalidArgument, "banner_id,township_id"), (badAdd.Code, string.Join(",", badAdd.Fields)));
        Assert.Equal(StatusCode.NotFound, unknownTownship.Code);
        Assert.Equal(StatusCode.NotFound, unknownBanner.Code);
        Assert.Equal(StatusCode.AlreadyExists, renamed.Code);
        Assert.Equal(StatusCode.FailedPrecondition, secondBanner.Code);
        Assert.Contains(fixture.BannerId, secondBanner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BannerStaff_ReadsItsBannerAndItsTownshipsTotals_AndNothingElse()
    {
        var other = "qi-" + Rpc.Id()[..10];
        await fixture.Banners.RegisterBannerAsync(new RegisterBannerRequest { BannerId = other, Name = "库伦旗" });
        var outside = "out-" + Rpc.Id()[..10];
        await fixture.TownshipClient.RegisterTownshipAsync(new RegisterTownshipRequest { Township = new Township { TownshipId = outside, Name = "旗外镇" } });
        var staff = fixture.BannerStaff(fixture.BannerId);
        var banners = new BannerService.BannerServiceClient(staff);
        var townships = new TownshipService.TownshipServiceClient(staff);
        var member = fixture.Townships[3].Township;

        await banners.GetBannerAsync(new GetBannerRequest { BannerId = fixture.BannerId });
        await banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = fixture.BannerId, Period = "2023", IncludeBreakdown = true });
        await townships.GetTotalsAsync(new GetTotalsRequest { TownshipId = member, Period = "2023" });
        await townships.GetTownshipAsync(new GetTownshipRequest { TownshipId = member });

        async Task<StatusCode> Denied(Func<Task> call) => (await Rpc.Fails(call)).Code;
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = other, Period = "2023" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => banners.GetBannerTotalsAsync(new GetBannerTotalsRequest { BannerId = "no-such-banner", Period = "2023" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => townships.GetTotalsAsync(new GetTotalsRequest { TownshipId = outside, Period = "2023" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => townships.GetTotalsAsync(new GetTotalsRequest { TownshipId = member, Period = "2023", IncludeBreakdown = true }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => townships.RepairTotalsAsync(new RepairTotalsRequest { TownshipId = member }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => banners.RepairBannerTotalsAsync(new RepairBannerTotalsRequest { BannerId = fixture.BannerId }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => banners.AddTownshipAsync(new AddTownshipRequest { BannerId = fixture.BannerId, TownshipId = outside }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => new ReportingService.ReportingServiceClient(staff).ReportValuesAsync(Rpc.Report(fixture.Townships[3].Villages[0], "2023", (BannerServerFixture.Flow, "1"))).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Denied(() => new ReportingService.ReportingServiceClient(staff).GetValuesAsync(new GetValuesRequest { OrgUnitId = fixture.Townships[3].Villages[0], Period = "2023" }).ResponseAsync));
    }
}
