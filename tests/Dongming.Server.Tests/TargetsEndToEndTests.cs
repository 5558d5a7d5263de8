using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.PlannedTown;

namespace Dongming.Server.Tests;

/// <summary>Targets and progress through dongming.v1.PlanningService against the real server.</summary>
public sealed class TargetsEndToEndTests(DemoServerFixture fixture)
{
    private const string Persons = "labour_export_persons"; // flow, village
    private const string Sheep = "livestock_sheep";         // stock, village, part of livestock_total
    private const string Epidemics = "regional_epidemics";  // flow, township only
    private const string Coverage = "animal_immunisation_coverage"; // ratio, township only

    [Fact]
    public async Task SetTarget_IsListedWithWhoSetIt_AndEveryRevisionIsInItsHistory()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var v = town.Villages[0];
        var first = await town.Planning.SetTargetAsync(Target(v, Persons, "2024", "300", note: "全年输出劳动力"));
        Assert.False(first.Replayed);
        Assert.Equal((v, Persons, "2024", "300", "person", TargetDirection.AtLeast, "全年输出劳动力"),
            (first.Target.OrgUnitId, first.Target.Indicator, first.Target.Period, first.Target.Value, first.Target.Unit, first.Target.Direction, first.Target.Note));
        var revised = await town.Planning.SetTargetAsync(Target(v, Persons, "2024", "320", TargetDirection.Exactly));
        Assert.True(revised.Target.Version > first.Target.Version);

        var list = await town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId, Period = "2024" });
        var listed = Assert.Single(list.Targets);
        Assert.Equal(("320", TargetDirection.Exactly, revised.Target.RequestId, revised.Target.Version), (listed.Value, listed.Direction, listed.RequestId, listed.Version));
        Assert.False(string.IsNullOrEmpty(listed.SetBy));
        Assert.Empty((await town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId, Period = "2025" })).Targets);
        Assert.Empty((await town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId, OrgUnitId = town.Villages[1] })).Targets);

        var history = await town.Planning.GetTargetHistoryAsync(new GetTargetHistoryRequest { OrgUnitId = v, Indicator = Persons, Period = "2024" });
        Assert.Equal([("300", "", first.Target.Version), ("320", "300", revised.Target.Version)], history.Revisions.Select(r => (r.Value, r.PreviousValue, r.Version)));
        Assert.Equal(["全年输出劳动力", ""], history.Revisions.Select(r => r.Note));
        Assert.Equal([TargetDirection.AtLeast, TargetDirection.Exactly], history.Revisions.Select(r => r.Direction));
    }

    [Fact]
    public async Task SetTarget_ReplayedRequestId_GetsTheFirstAnswer_EvenAfterARevision_AnotherBodyIsRefused()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var request = Target(town.Villages[0], Persons, "2024", "300");
        var first = await town.Planning.SetTargetAsync(request);
        await town.SetTarget(town.Villages[0], Persons, "2024", "999");
        var again = await town.Planning.SetTargetAsync(request);
        Assert.True(again.Replayed);
        Assert.Equal(first.Target, again.Target);
        Assert.Equal(2, (await town.Planning.GetTargetHistoryAsync(new GetTargetHistoryRequest { OrgUnitId = town.Villages[0], Indicator = Persons, Period = "2024" })).Revisions.Count);
        Assert.Equal("999", (await town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId })).Targets.Single().Value);

        var changed = request.Clone();
        changed.Target = "301";
        Assert.Equal(StatusCode.FailedPrecondition, (await Rpc.Fails(() => town.Planning.SetTargetAsync(changed).ResponseAsync)).Code);
    }

    [Fact]
    public async Task SetTarget_BadInput_NamesEveryBadField_AndChangesNothing()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var bad = new SetTargetRequest { OrgUnitId = town.Villages[0], Indicator = "Not A Code", Period = "2024Q5", Target = "1e3", RequestId = "", Note = new string('注', 501) };
        var (code, _, fields) = await Rpc.Fails(() => town.Planning.SetTargetAsync(bad).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(["indicator", "period", "target", "direction", "request_id", "note"], fields);

        var units = Target(town.Villages[0], Sheep, "2024", "2.5");          // counts are whole
        units.Direction = TargetDirection.Unspecified;
        Assert.Equal(["target", "direction"], (await Rpc.Fails(() => town.Planning.SetTargetAsync(units).ResponseAsync)).Fields);
        Assert.Equal(["target"], (await Rpc.Fails(() => town.Planning.SetTargetAsync(Target(town.TownshipId, Coverage, "2024", "1.5")).ResponseAsync)).Fields);
        Assert.Equal(["target"], (await Rpc.Fails(() => town.Planning.SetTargetAsync(Target(town.Villages[0], Persons, "2024", "-1")).ResponseAsync)).Fields);
        var villageOfTownshipIndicator = await Rpc.Fails(() => town.Planning.SetTargetAsync(Target(town.Villages[0], Epidemics, "2024", "0", TargetDirection.AtMost)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, villageOfTownshipIndicator.Code);
        Assert.Equal(["indicator"], villageOfTownshipIndicator.Fields);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => town.Planning.SetTargetAsync(Target(town.Villages[0], "no_such_indicator", "2024", "1")).ResponseAsync)).Code);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => town.Planning.SetTargetAsync(Target(town.TownshipId + "-nobody", Persons, "2024", "1")).ResponseAsync)).Code);
        Assert.Equal(["org_unit_id"], (await Rpc.Fails(() => town.Planning.SetTargetAsync(Target("Bad Id", Persons, "2024", "1")).ResponseAsync)).Fields);

        Assert.Empty((await town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId })).Targets);
        Assert.Equal(["period", "org_unit_id"], (await Rpc.Fails(() => town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId, Period = "24", OrgUnitId = "X" }).ResponseAsync)).Fields);
        Assert.Equal(["period", "as_of"], (await Rpc.Fails(() => town.Planning.GetProgressAsync(new GetProgressRequest { TownshipId = town.TownshipId, AsOf = "2024-13-01" }).ResponseAsync)).Fields);
        Assert.Equal(StatusCode.NotFound, (await Rpc.Fails(() => town.Planning.GetProgressAsync(new GetProgressRequest { TownshipId = "no-such-town", Period = "2024" }).ResponseAsync)).Code);
    }

    [Fact]
    public async Task SetTarget_ForAVillageRetiredFromThePeriod_IsFailedPrecondition_ButAReplayKeepsItsAnswer()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var v = town.Villages[0];
        var early = Target(v, Persons, "2029", "10");
        var first = await town.Planning.SetTargetAsync(early);
        await new VillageService.VillageServiceClient(fixture.Server.Channel).RetireVillageAsync(new RetireVillageRequest { VillageId = v, FromPeriod = "2029", RequestId = Rpc.Id(), Reason = "撤并" });
        Assert.Equal(StatusCode.FailedPrecondition, (await Rpc.Fails(() => town.SetTarget(v, Persons, "2030", "10"))).Code);
        Assert.Equal(first.Target, (await town.Planning.SetTargetAsync(early)).Target);
        Assert.Empty((await town.Planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = town.TownshipId })).Targets); // retired from 2029
    }

    [Fact]
    public async Task GetProgress_OfAFlowTarget_FollowsTheShareOfTheYearElapsed_AsOfTheDateAsked()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.SetTarget(town.TownshipId, Persons, "2024", "366"); // judged on the township total
        await town.Report(town.Villages[0], "2024Q1", (Persons, "100"));
        await town.Report(town.Villages[1], "2024Q2", (Persons, "82"));

        async Task<Progress> At(string asOf) => (await town.ProgressAsync("2024", asOf)).Progress.Single();
        var mid = await town.ProgressAsync("2024", "2024-06-30");
        Assert.Equal(("2024-06-30", "0.4973"), (mid.AsOf, mid.ElapsedShare));
        var p = mid.Progress.Single();
        Assert.Equal(("182", "366", "0.4973", ProgressStatus.OnTrack), (p.Actual, p.Target.Value, p.ProgressRatio, p.Status)); // 182 of 366 days: exactly on pace
        Assert.Equal((2, true), (p.VillagesReporting, p.RolledUp));
        Assert.Equal(["2024Q1", "2024Q2"], p.FromPeriods);
        Assert.Equal(ProgressStatus.Behind, (await At("2024-07-01")).Status);    // 183 days: 182 is short of pace
        Assert.Equal(ProgressStatus.OnTrack, (await At("2023-12-31")).Status);   // not started yet
        Assert.Equal(ProgressStatus.Behind, (await At("2025-01-05")).Status);    // ended, missed
        Assert.Equal("1", (await town.ProgressAsync("2024", "2025-01-05")).ElapsedShare);

        await town.Report(town.Villages[0], "2024Q3", (Persons, "184"));
        var met = await At("2024-07-01");
        Assert.Equal(("366", "1", ProgressStatus.Met), (met.Actual, met.ProgressRatio, met.Status));
    }

    [Fact]
    public async Task GetProgress_EachDirection_AndNoValue()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        var (a, b) = (town.Villages[0], town.Villages[1]);
        await town.SetTarget(town.TownshipId, Epidemics, "2024", "0", TargetDirection.AtMost);  // 不发生: a ceiling of 0
        await town.SetTarget(town.TownshipId, Coverage, "2024", "0.95");                        // a ratio, at least
        await town.SetTarget(a, Sheep, "2024", "2700", TargetDirection.Exactly);                // a stock, exactly
        await town.SetTarget(b, Sheep, "2024", "500", TargetDirection.Exactly);
        await town.SetTarget(b, Persons, "2024", "10");                                        // nothing reported
        await town.Report(town.TownshipId, "2024Q1", (Epidemics, "0"));
        await town.Report(town.TownshipId, "2024", (Coverage, "0.9694"));
        await town.Report(a, "2024Q2", (Sheep, "2700"));
        await town.Report(b, "2024Q2", (Sheep, "400"));

        async Task<Dictionary<(string, string), Progress>> At(string asOf) =>
            (await town.ProgressAsync("2024", asOf)).Progress.ToDictionary(p => (p.Target.OrgUnitId, p.Target.Indicator));
        var mid = await At("2024-06-30");
        Assert.Equal(5, mid.Count);
        Assert.Equal((ProgressStatus.OnTrack, "0", ""), (mid[(town.TownshipId, Epidemics)].Status, mid[(town.TownshipId, Epidemics)].Actual, mid[(town.TownshipId, Epidemics)].ProgressRatio));
        Assert.Equal((ProgressStatus.Met, "1.0204"), (mid[(town.TownshipId, Coverage)].Status, mid[(town.TownshipId, Coverage)].ProgressRatio));
        Assert.Equal(ProgressStatus.Met, mid[(a, Sheep)].Status);
        Assert.Equal((ProgressStatus.OnTrack, "0.8", 0), (mid[(b, Sheep)].Status, mid[(b, Sheep)].ProgressRatio, mid[(b, Sheep)].VillagesReporting));
        Assert.Equal((ProgressStatus.NoValue, "", ""), (mid[(b, Persons)].Status, mid[(b, Persons)].Actual, mid[(b, Persons)].ProgressRatio));

        var end = await At("2024-12-31");
        Assert.Equal(ProgressStatus.Met, end[(town.TownshipId, Epidemics)].Status);
        Assert.Equal(ProgressStatus.Behind, end[(b, Sheep)].Status);

        await town.Report(town.TownshipId, "2024Q2", (Epidemics, "1"));
        Assert.Equal(ProgressStatus.Behind, (await At("2024-06-30"))[(town.TownshipId, Epidemics)].Status);

        var onlyA = await town.ProgressAsync("2024", "2024-06-30", a);
        Assert.Equal([(a, Sheep)], onlyA.Progress.Select(p => (p.Target.OrgUnitId, p.Target.Indicator)));
    }

    [Fact]
    public async Task GetProgress_CarriesTheQualifiersOfTheFigure()
    {
        var town = await PlannedTown.CreateAsync(fixture.Server);
        await town.SetTarget(town.TownshipId, "livestock_total", "2024", "1000");
        var report = Rpc.Report(town.Villages[0], "2024", (Sheep, "800"));
        report.Values[0].AtLeast = true; // "800余只"
        await town.Reporting.ReportValuesAsync(report);
        var p = (await town.ProgressAsync("2024", "2024-06-30")).Progress.Single();
        // a lower bound, computed without cattle, entered for the year; a level short of its target mid-year is still on track
        Assert.Equal(("800", true, true, false, ProgressStatus.OnTrack, "0.8"), (p.Actual, p.AtLeast, p.Partial, p.RolledUp, p.Status, p.ProgressRatio));
        Assert.Equal(ProgressStatus.Behind, (await town.ProgressAsync("2024", "2024-12-31")).Progress.Single().Status);
    }

    [Fact]
    public async Task TheDemo_HoldsThe2024PlansTargets_WithTheIndicatorsTheyNeed()
    {
        var planning = new PlanningService.PlanningServiceClient(fixture.Server.Channel);
        var targets = (await planning.ListTargetsAsync(new ListTargetsRequest { TownshipId = "dongming", Period = "2024", OrgUnitId = "dongming" })).Targets.ToDictionary(t => t.Indicator);
        Assert.Equal(("3100", "mu", TargetDirection.AtLeast, "完成0.31万亩高标准农田建设工程"),
            (targets["high_standard_farmland_area"].Value, targets["high_standard_farmland_area"].Unit, targets["high_standard_farmland_area"].Direction, targets["high_standard_farmland_area"].Note));
        Assert.Equal(("4", TargetDirection.AtLeast), (targets["poverty_screening_rounds"].Value, targets["poverty_screening_rounds"].Direction));
        Assert.Equal(("0", "case", TargetDirection.AtMost), (targets["major_safety_accidents"].Value, targets["major_safety_accidents"].Unit, targets["major_safety_accidents"].Direction));
        Assert.Equal(3, targets.Count);

        var catalog = new CatalogService.CatalogServiceClient(fixture.Server.Channel);
        var accidents = await catalog.GetIndicatorAsync(new GetIndicatorRequest { Code = "major_safety_accidents" });
        Assert.Equal((IndicatorKind.Flow, EnteredAt.Township), (accidents.Kind, accidents.EnteredAt));
        var farmland = await catalog.GetIndicatorAsync(new GetIndicatorRequest { Code = "high_standard_farmland_area" });
        Assert.Equal((IndicatorKind.Flow, EnteredAt.Village, "mu"), (farmland.Kind, farmland.EnteredAt, farmland.Unit));

        var progress = await planning.GetProgressAsync(new GetProgressRequest { TownshipId = "dongming", Period = "2024", AsOf = "2024-03-31", OrgUnitId = "dongming" });
        Assert.Equal(3, progress.Progress.Count);
        Assert.All(progress.Progress, p => Assert.Equal(ProgressStatus.NoValue, p.Status)); // nothing of 2024 is reported in the demo
    }

    [Fact]
    public async Task Reflection_ListsThePlanningService()
    {
        var client = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(fixture.Server.Channel);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains("dongming.v1.PlanningService", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }
}
