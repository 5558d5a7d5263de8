using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>Who sets and who reads targets: scope decided before anything is looked up, the setter recorded from the token.</summary>
public sealed class PlanningScopeTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    private static SetTargetRequest Target(string orgUnit, string indicator = "livestock_sheep") => new()
    {
        OrgUnitId = orgUnit,
        Indicator = indicator,
        Period = Rpc.FreshPeriod(),
        Target = "1",
        Direction = TargetDirection.AtLeast,
        RequestId = Rpc.Id(),
    };

    [Fact]
    public async Task Staff_SetTheirTownshipsAndItsVillagesTargets_OnlyThem_AndAreRecordedAsTheSetter()
    {
        await PrepareAsync(Server);
        var staff = new PlanningService.PlanningServiceClient(Invoker(Server, Who.Staff));
        var set = await staff.SetTargetAsync(Target("xiaotai"));
        Assert.Equal(("t-staff", "镇干部"), (set.Target.SetBy, set.Target.SetByName));
        Assert.Equal(StatusCode.OK, await StatusOf(() => staff.SetTargetAsync(Target("dongming", "fire_drills")).ResponseAsync));
        foreach (var foreign in new[] { OtherVillage, OtherTownship, "no-such-village" })
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => staff.SetTargetAsync(Target(foreign)).ResponseAsync));
        Assert.Equal(StatusCode.OK, await StatusOf(() => staff.ListTargetsAsync(new ListTargetsRequest { TownshipId = "dongming" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => staff.ListTargetsAsync(new ListTargetsRequest { TownshipId = OtherTownship }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => staff.GetProgressAsync(new GetProgressRequest { TownshipId = "no-such-township", Period = "2024" }).ResponseAsync));
    }

    [Fact]
    public async Task Reporter_SetsNoTarget_ReadsTheirVillagesAndTheTownshipsOwn_NotTheWholeTownship()
    {
        await PrepareAsync(Server);
        var reporter = new PlanningService.PlanningServiceClient(Invoker(Server, Who.Reporter));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporter.SetTargetAsync(Target("datai")).ResponseAsync));

        await new PlanningService.PlanningServiceClient(Server.Channel).SetTargetAsync(Target("datai"));
        var own = await reporter.ListTargetsAsync(new ListTargetsRequest { TownshipId = "dongming", OrgUnitId = "datai" });
        Assert.NotEmpty(own.Targets);
        Assert.All(own.Targets, t => Assert.Equal("datai", t.OrgUnitId));
        Assert.Equal(StatusCode.OK, await StatusOf(() => reporter.GetProgressAsync(new GetProgressRequest { TownshipId = "dongming", OrgUnitId = "dongming", Period = "2024" }).ResponseAsync));
        Assert.Equal(StatusCode.OK, await StatusOf(() => reporter.GetTargetHistoryAsync(new GetTargetHistoryRequest { OrgUnitId = "datai", Indicator = "livestock_sheep", Period = "2024" }).ResponseAsync));

        // Every village's targets, another village's, and their village under a township not theirs (existing or not): refused alike.
        var refused = new (string Township, string OrgUnit)[] { ("dongming", ""), ("dongming", "xiaotai"), (OtherTownship, "datai"), ("no-such-township", "datai"), (OtherTownship, OtherTownship) };
        foreach (var (township, unit) in refused)
        {
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporter.ListTargetsAsync(new ListTargetsRequest { TownshipId = township, OrgUnitId = unit }).ResponseAsync));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporter.GetProgressAsync(new GetProgressRequest { TownshipId = township, OrgUnitId = unit, Period = "2024" }).ResponseAsync));
        }
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => reporter.GetTargetHistoryAsync(new GetTargetHistoryRequest { OrgUnitId = "xiaotai", Indicator = "livestock_sheep", Period = "2024" }).ResponseAsync));
    }

    [Fact]
    public async Task Viewer_ReadsEveryTarget_SetsNone()
    {
        await PrepareAsync(Server);
        var viewer = new PlanningService.PlanningServiceClient(Invoker(Server, Who.Viewer));
        Assert.Equal(StatusCode.OK, await StatusOf(() => viewer.ListTargetsAsync(new ListTargetsRequest { TownshipId = "dongming" }).ResponseAsync));
        Assert.Equal(StatusCode.OK, await StatusOf(() => viewer.GetProgressAsync(new GetProgressRequest { TownshipId = OtherTownship, Period = "2024" }).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => viewer.SetTargetAsync(Target("datai")).ResponseAsync));
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => new PlanningService.PlanningServiceClient(Server.Anonymous).ListTargetsAsync(new ListTargetsRequest { TownshipId = "dongming" }).ResponseAsync));
    }
}
