using System.Net;
using System.Text.Json;
using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Http;

/// <summary>
/// The HTTP/JSON port end to end, as curl or a spreadsheet's web query calls it (HTTP/1.1, JSON), against the real
/// binary with the demo: the same answers as gRPC, the same tokens and access policy, the same error model.
/// </summary>
public sealed class HttpJsonTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    private HttpJsonClient Admin() => new(Server.HttpAddress, Server.AdminToken);

    [Fact]
    public async Task GetTotals_2023_AsJsonOverHttp11_EqualsTheGrpcAnswer()
    {
        using var http = Admin();
        var answer = await http.GetAsync("/v1/townships/dongming/totals/2023");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(HttpVersion.Version11, answer.Version);

        var grpc = await new TownshipService.TownshipServiceClient(Server.Channel).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" });
        var json = answer.Root.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(grpc.Totals.Count, json.Count);
        Assert.True(json.Count > 50, $"{json.Count} totals");
        foreach (var (total, element) in grpc.Totals.Zip(json))
        {
            Assert.Equal(total.Indicator, element.GetProperty("indicator").GetString());
            var value = element.GetProperty("value");
            Assert.Equal(JsonValueKind.String, value.ValueKind); // exact decimals travel as strings, never as JSON numbers
            Assert.Equal(total.Value, value.GetString());
            Assert.Equal(total.VillagesReporting, element.GetProperty("villagesReporting").GetInt32());
        }
        Assert.Equal(grpc.Version, answer.Root.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task GetTotals_QueryParameters_SelectIndicatorsAndBreakdown()
    {
        using var http = Admin();
        var answer = await http.GetAsync("/v1/townships/dongming/totals/2023?indicators=livestock_sheep&indicators=crop_silage_maize_area&include_breakdown=true");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var totals = answer.Root.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(["crop_silage_maize_area", "livestock_sheep"], totals.Select(t => t.GetProperty("indicator").GetString()).Order(StringComparer.Ordinal));
        var sheep = totals.Single(t => t.GetProperty("indicator").GetString() == "livestock_sheep");
        var parts = sheep.GetProperty("breakdown").EnumerateArray().Select(b => decimal.Parse(b.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(parts);
        Assert.Equal(decimal.Parse(sheep.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture), parts.Sum());
    }

    [Fact]
    public async Task ReportValues_PostedAsJson_ThenGetValuesShowsThem_OverHttpAndGrpc()
    {
        using var http = Admin();
        var period = Rpc.FreshPeriod();
        var requestId = Rpc.Id();
        var posted = await http.PostAsync("/v1/org-units/datai/values:report",
            $$"""{"period":"{{period}}","request_id":"{{requestId}}","comment":"HTTP","values":[{"indicator":"livestock_sheep","value":"2650"},{"indicator":"livestock_breeding_cows","value":"1210.0"}]}""");
        Assert.Equal(HttpStatusCode.OK, posted.Status);

        var read = await http.GetAsync($"/v1/org-units/datai/values/{period}?indicators=livestock_sheep&indicators=livestock_breeding_cows");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        var values = read.Root.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("indicator").GetString()!, v => v.GetProperty("value").GetString());
        Assert.Equal("2650", values["livestock_sheep"]);
        Assert.Equal("1210", values["livestock_breeding_cows"]);

        var grpc = await new ReportingService.ReportingServiceClient(Server.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period });
        Assert.Equal("2650", grpc.Values.Single(v => v.Indicator == "livestock_sheep").Value);

        // The same request again is a replay (one revision), as over gRPC.
        var again = await http.PostAsync("/v1/org-units/datai/values:report",
            $$"""{"period":"{{period}}","request_id":"{{requestId}}","comment":"HTTP","values":[{"indicator":"livestock_sheep","value":"2650"},{"indicator":"livestock_breeding_cows","value":"1210.0"}]}""");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        var history = await http.GetAsync($"/v1/org-units/datai/values/{period}/livestock_sheep/history");
        Assert.Single(history.Root.GetProperty("revisions").EnumerateArray());
    }

    [Fact]
    public async Task NoToken_Is401_WhereTheGrpcCallIsUnauthenticated()
    {
        using var anonymous = new HttpJsonClient(Server.HttpAddress, null);
        var answer = await anonymous.GetAsync("/v1/townships/dongming/totals/2023");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal((int)StatusCode.Unauthenticated, answer.Code);

        var e = await Assert.ThrowsAsync<RpcException>(() => new TownshipService.TownshipServiceClient(Server.Anonymous).GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = "2023" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(e.Status.Detail, answer.Root.GetProperty("message").GetString());

        using var forged = new HttpJsonClient(Server.HttpAddress, "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/v1/villages/datai")).Status);
    }

    [Fact]
    public async Task VillageReporter_ReadingAnotherVillage_Is403_AndItsOwnVillage_IsAnswered()
    {
        using var reporter = new HttpJsonClient(Server.HttpAddress, Token(Server, Security.Who.Reporter, "http-" + Rpc.Id()));
        var other = await reporter.GetAsync("/v1/org-units/xiaotai/values/2023");
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal((int)StatusCode.PermissionDenied, other.Code);
        var write = await reporter.PostAsync("/v1/org-units/xiaotai/values:report", $$"""{"period":"{{Rpc.FreshPeriod()}}","request_id":"{{Rpc.Id()}}","values":[{"indicator":"livestock_sheep","value":"1"}]}""");
        Assert.Equal(HttpStatusCode.Forbidden, write.Status);
        // Refused before anything is looked up, as over gRPC: an unknown village is 403 too, not 404.
        Assert.Equal(HttpStatusCode.Forbidden, (await reporter.GetAsync($"/v1/org-units/nowhere-{Rpc.Id()}/values/2023")).Status);

        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync("/v1/org-units/datai/values/2023")).Status);
    }

    [Fact]
    public async Task ReportValues_BadValues_Is400_NamingEveryBadField_AsTheGrpcBadRequest()
    {
        using var http = Admin();
        var period = Rpc.FreshPeriod();
        var body = $$"""{"period":"{{period}}","request_id":"{{Rpc.Id()}}","values":[{"indicator":"livestock_sheep","value":"-3"},{"indicator":"livestock_breeding_cows","value":"1e5"},{"indicator":"livestock_sheep_x","value":"1"}]}""";
        var answer = await http.PostAsync("/v1/org-units/datai/values:report", body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal((int)StatusCode.InvalidArgument, answer.Code);

        var grpc = await Rpc.Fails(() => new ReportingService.ReportingServiceClient(Server.Channel).ReportValuesAsync(Rpc.Report("datai", period,
            ("livestock_sheep", "-3"), ("livestock_breeding_cows", "1e5"), ("livestock_sheep_x", "1"))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, grpc.Code);
        Assert.Equal(grpc.Fields.Order(StringComparer.Ordinal), answer.FieldViolations.Order(StringComparer.Ordinal));
        Assert.Contains("values[0].value", answer.FieldViolations);
        Assert.Contains("values[1].value", answer.FieldViolations);
        Assert.Contains("values[2].indicator", answer.FieldViolations);

        // Nothing was applied.
        var read = await http.GetAsync($"/v1/org-units/datai/values/{period}");
        Assert.Empty(read.Root.GetProperty("values").EnumerateArray());
    }

    [Fact]
    public async Task UnknownVillage_Is404()
    {
        using var http = Admin();
        var answer = await http.GetAsync($"/v1/villages/nowhere-{Rpc.Id()}");
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal((int)StatusCode.NotFound, answer.Code);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/org-units/nowhere-{Rpc.Id()}/values/2023")).Status);
    }

    [Fact]
    public async Task UnreadableRequest_Is400_WithACallerSafeMessage()
    {
        using var http = Admin();
        var broken = await http.PostAsync("/v1/org-units/datai/values:report", "{\"period\": ");
        Assert.Equal(HttpStatusCode.BadRequest, broken.Status);
        Assert.Equal((int)StatusCode.InvalidArgument, broken.Code);
        var badQuery = await http.GetAsync("/v1/cases?page_size=many");
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.Status);
        Assert.DoesNotContain("input string", badQuery.Body, StringComparison.OrdinalIgnoreCase); // no parser exception text
        var form = await http.SendAsync(HttpMethod.Post, "/v1/org-units/datai/values:report", "period=2023", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.BadRequest, form.Status);
        Assert.Contains("application/json", form.Root.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cases_ListGetHistoryAndSummary_AnswerAsOverGrpc()
    {
        using var http = Admin();
        var list = await http.GetAsync("/v1/cases?township_id=dongming&status=CASE_STATUS_RECTIFYING&page_size=5");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var cases = list.Root.GetProperty("cases").EnumerateArray().ToList();
        Assert.InRange(cases.Count, 1, 5);
        Assert.All(cases, c => Assert.Equal("CASE_STATUS_RECTIFYING", c.GetProperty("status").GetString()));

        var id = cases[0].GetProperty("caseId").GetString()!;
        var one = await http.GetAsync($"/v1/cases/{id}");
        Assert.Equal(HttpStatusCode.OK, one.Status);
        var grpc = await new CaseService.CaseServiceClient(Server.Channel).GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = id });
        var history = await http.GetAsync($"/v1/cases/{id}/history");
        Assert.Equal(grpc.Entries.Count, history.Root.GetProperty("entries").GetArrayLength());
        Assert.NotEmpty(grpc.Entries);

        var summary = await http.GetAsync("/v1/townships/dongming/case-summary?as_of=2023-12-31");
        Assert.Equal(HttpStatusCode.OK, summary.Status);
    }

    [Fact]
    public async Task OpenAndTransitionCase_OverHttp_FollowTheLifecycle()
    {
        await PrepareAsync(Server); // a case type only the access tests open: the demo's case counts stay put
        using var http = Admin();
        var opened = await http.PostAsync("/v1/villages/datai/cases",
            $$"""{"case_type":"{{TestCaseType}}","batch":"2099","title":"路口缺少警示标志","deadline":"2099-12-31","source":"CASE_SOURCE_INSPECTION","request_id":"{{Rpc.Id()}}"}""");
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Body);
        var id = opened.Root.GetProperty("case").GetProperty("caseId").GetString()!;

        var moved = await http.PostAsync($"/v1/cases/{id}:transition", $$"""{"to_status":"CASE_STATUS_RECTIFYING","expected_version":1,"request_id":"{{Rpc.Id()}}"}""");
        Assert.Equal(HttpStatusCode.OK, moved.Status);
        var stale = await http.PostAsync($"/v1/cases/{id}:transition", $$"""{"to_status":"CASE_STATUS_RECTIFIED","expected_version":1,"request_id":"{{Rpc.Id()}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, stale.Status); // ABORTED: a stale version
        Assert.Equal((int)StatusCode.Aborted, stale.Code);

        var read = await http.GetAsync($"/v1/cases/{id}");
        Assert.Equal("CASE_STATUS_RECTIFYING", read.Root.GetProperty("case").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheRoutes_WithTheBearerScheme()
    {
        using var anonymous = new HttpJsonClient(Server.HttpAddress, null);
        var answer = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var paths = answer.Root.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var path in new[]
        {
            "/v1/townships/{townshipId}/totals/{period}", "/v1/org-units/{orgUnitId}/values/{period}", "/v1/org-units/{orgUnitId}/values:report",
            "/v1/townships/{townshipId}/villages", "/v1/villages/{villageId}", "/v1/indicators", "/v1/cases", "/v1/cases/{caseId}",
            "/v1/cases/{caseId}/history", "/v1/cases/{caseId}:transition", "/v1/townships/{townshipId}/case-summary",
            "/v1/townships/{townshipId}/progress/{period}", "/v1/townships/{townshipId}/validation/{period}",
        })
        {
            Assert.Contains(path, paths);
        }
        Assert.All(paths, p => Assert.StartsWith("/v1/", p, StringComparison.Ordinal)); // the routes only: no dashboard, metrics or login
        Assert.True(answer.Root.GetProperty("paths").GetProperty("/v1/org-units/{orgUnitId}/values:report").TryGetProperty("post", out _));
        var scheme = answer.Root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Routes_AnswerOnTheHttpPortOnly()
    {
        // The gRPC port speaks HTTP/2 only: an HTTP/1.1 client gets no JSON there.
        using var onGrpcPort = new HttpJsonClient(Server.Address, Server.AdminToken);
        var answer = await onGrpcPort.GetAsync("/v1/villages/datai");
        Assert.NotEqual(HttpStatusCode.OK, answer.Status);
        Assert.Null(answer.Json);

        // …and a gRPC method's own path is not served on the HTTP port.
        using var http = Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(HttpMethod.Post, "/dongming.v1.VillageService/GetVillage", "", "application/grpc")).Status);
    }
}
