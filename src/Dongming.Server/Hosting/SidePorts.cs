using Dongming.Server.HttpApi;
using Dongming.Server.Settings;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Dongming.Server.Hosting;

/// <summary>
/// The HTTP/1.1 side ports next to the gRPC endpoint (HTTP/2 only): Prometheus <c>/metrics</c> and the Orleans
/// Dashboard. Each side port serves only the endpoints mapped for it (<see cref="SidePort"/> metadata), and those
/// endpoints answer only on their port.
/// </summary>
public static class SidePorts
{
    /// <summary>Metadata of an endpoint served on one side port only.</summary>
    public sealed record SidePort(int Port);

    private static (MetricsOptions Metrics, DashboardOptions Dashboard) Read(IConfiguration configuration) =>
        (configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions(),
         configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions());

    /// <summary>The ports in use (0 = off).</summary>
    public static (int Metrics, int Dashboard) Ports(IConfiguration configuration)
    {
        var (metrics, dashboard) = Read(configuration);
        return (metrics.Port, dashboard.Enabled ? dashboard.Port : 0);
    }

    /// <summary>Listen addresses: the configured gRPC URLs plus the side ports.</summary>
    public static string[] Urls(IConfiguration configuration, string grpcUrls, bool cluster)
    {
        var (metrics, dashboard) = Read(configuration);
        var urls = grpcUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (metrics.Port > 0) urls.Add($"http://{(cluster ? "0.0.0.0" : "127.0.0.1")}:{metrics.Port}");
        if (dashboard.Enabled) urls.Add($"http://{(dashboard.AllowRemote ? "0.0.0.0" : "127.0.0.1")}:{dashboard.Port}");
        if (HttpJson.Port(configuration) is > 0 and var http) urls.Add($"http://{HttpJson.Address(configuration, cluster)}:{http}");
        return [.. urls];
    }

    /// <summary>True when <paramref name="url"/> (as Kestrel reports it) is on one of the side ports.</summary>
    public static bool IsSidePortUrl(string url, int metrics, int dashboard) =>
        Uri.TryCreate(url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && uri.Port > 0 && (uri.Port == metrics || uri.Port == dashboard);

    /// <summary>HTTP/2 (gRPC, cleartext) everywhere except HTTP/1.1 on the side ports and the HTTP/JSON port.</summary>
    public static HttpProtocols Protocols(ListenOptions listen, IConfiguration configuration)
    {
        var (metrics, dashboard) = Ports(configuration);
        var port = listen.IPEndPoint?.Port ?? 0;
        // Cleartext HTTP/2 on the HTTP/JSON port would need prior knowledge, which its clients lack (and Kestrel warns).
        if (port != 0 && port == HttpJson.Port(configuration)) return HttpProtocols.Http1;
        return port != 0 && (port == metrics || port == dashboard) ? HttpProtocols.Http1 : HttpProtocols.Http2;
    }

    public static void AddDongmingSidePorts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().Bind(builder.Configuration.GetSection(MetricsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>Maps /metrics and the dashboard on their ports and keeps every other endpoint off those ports (the HTTP/JSON routes: on theirs).</summary>
    public static WebApplication MapDongmingSidePorts(this WebApplication app)
    {
        var (metrics, dashboard) = Ports(app.Configuration);
        var http = HttpJson.Port(app.Configuration);
        if (metrics == 0 && dashboard == 0 && http == 0) return app;
        app.Use(async (context, next) =>
        {
            var local = context.Connection.LocalPort;
            var endpoint = context.GetEndpoint();
            var bound = endpoint?.Metadata.GetMetadata<SidePort>() ?? (HttpJson.IsJsonRoute(endpoint) ? new SidePort(http) : null);
            var onSidePort = local == metrics || local == dashboard || local == http;
            if (bound is null ? onSidePort : bound.Port != local)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
        if (metrics > 0) app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new SidePort(metrics));
        if (dashboard > 0) app.MapDongmingDashboard(dashboard);
        return app;
    }
}
