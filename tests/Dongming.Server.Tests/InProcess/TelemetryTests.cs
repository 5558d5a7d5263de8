using System.Diagnostics;
using Dongming.Contracts.V1;
using Dongming.Server.Security;
using Dongming.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dongming.Server.Tests.InProcess;

/// <summary>
/// Telemetry leaves the process: the service (in this process, as the binary composes it) with in-memory exporters
/// added next to its own; a ReportValues call yields an ASP.NET Core server span with an Orleans grain-call child,
/// and the service's, the journal's and Orleans' metrics. The Prometheus and dashboard side ports serve only their
/// own endpoints over HTTP/1.1.
/// </summary>
public sealed class TelemetryTests
{
    private static async Task<System.Net.HttpStatusCode> DashboardStatus(int port, string token)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return (await http.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
    }

    [Fact]
    public async Task Host_ExportsSpansAndMetrics_AndServesMetricsAndDashboardOnTheirPorts()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        int metricsPort = ServerChild.FreePort(), dashboardPort = ServerChild.FreePort();
        await using var server = await InProcessServer.StartAsync(
            [$"--Dongming:Metrics:Port={metricsPort}", "--Dongming:Dashboard:Enabled=true", $"--Dongming:Dashboard:Port={dashboardPort}", "--Dongming:Tracing:SampleRatio=1"],
            builder =>
            {
                builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            });
        await Seed(server.Services.GetRequiredService<IGrainFactory>());
        var request = new ReportValuesRequest { OrgUnitId = "otel-village", Period = "2024", RequestId = "otel-1" };
        request.Values.Add(new IndicatorValue { Indicator = "livestock_sheep", Value = "12" });
        await new ReportingService.ReportingServiceClient(server.Channel).ReportValuesAsync(request);

        using var http = new HttpClient();
        var scraped = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("dongming_values_reported_total", scraped, StringComparison.Ordinal);
        Assert.Contains("orleans_", scraped, StringComparison.Ordinal);
        // The dashboard is for admins: without a token it sends the browser to its sign-in page.
        var signIn = await http.GetStringAsync($"http://127.0.0.1:{dashboardPort}/", TestContext.Current.CancellationToken);
        Assert.Contains("action=\"/login\"", signIn, StringComparison.Ordinal);
        Assert.DoesNotContain("Orleans Dashboard", signIn, StringComparison.Ordinal);
        var viewer = server.Issuer.Issue(new TokenRequest("t-viewer", "Viewer", Roles.Viewer, null, [], TimeSpan.FromHours(1)));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await DashboardStatus(dashboardPort, viewer));
        Assert.Equal(System.Net.HttpStatusCode.OK, await DashboardStatus(dashboardPort, server.AdminToken));
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() });
        var signedIn = await browser.PostAsync($"http://127.0.0.1:{dashboardPort}/login",
            new FormUrlEncodedContent([new("token", server.AdminToken)]), TestContext.Current.CancellationToken);
        Assert.Contains("Orleans Dashboard", await signedIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        // Each side port serves only its own endpoints.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{dashboardPort}/metrics", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{metricsPort}/", TestContext.Current.CancellationToken)).StatusCode);

        server.Services.GetRequiredService<TracerProvider>().ForceFlush();
        server.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Activity[] finished;
        lock (spans) finished = [.. spans];
        var span = Assert.Single(finished, a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server && a.DisplayName.Contains("ReportValues", StringComparison.Ordinal));
        Assert.Contains(finished, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.TraceId == span.TraceId && a.DisplayName.Contains("ReportValues", StringComparison.Ordinal));
        string[] names;
        lock (metrics) names = [.. metrics.Select(m => m.Name)];
        Assert.Contains("dongming.values.reported", names);
        Assert.Contains("dongming.totals.update_lag", names);
        Assert.Contains("dongming.journal.commit.batch_size", names);
        Assert.Contains(names, n => n.StartsWith("orleans", StringComparison.Ordinal));
    }

    /// <summary>A catalog with one indicator and a township with one village, written through the grains.</summary>
    private static async Task Seed(IGrainFactory grains)
    {
        var dataset = Dongming.Server.Demo.DemoDataset.Load();
        var caller = Dongming.Domain.Actor.System;
        await grains.GetGrain<Dongming.Grains.Abstractions.ICatalogGrain>(Dongming.Grains.Abstractions.GrainKeys.Catalog).DefineIndicators(dataset.Indicators, "otel-catalog", caller);
        var roster = grains.GetGrain<Dongming.Grains.Abstractions.IRosterGrain>(Dongming.Grains.Abstractions.GrainKeys.Roster);
        await roster.RegisterTownship(dataset.Township, caller);
        await roster.RegisterVillage(dataset.Villages[0] with { VillageId = "otel-village" }, caller);
    }
}
