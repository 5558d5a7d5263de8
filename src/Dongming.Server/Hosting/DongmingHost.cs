using System.Net;
using Dongming.Grains;
using Dongming.Server.Demo;
using Dongming.Server.Exchange;
using Dongming.Server.HttpApi;
using Dongming.Server.Security;
using Dongming.Server.Services;
using Dongming.Server.Settings;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Dongming.Server.Hosting;

/// <summary>Wiring of the host: options, storage, the Orleans silo, gRPC, health and telemetry.</summary>
public static class DongmingHost
{
    /// <summary>Default listen address when neither --urls nor ASPNETCORE_URLS is given.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddDongming(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<DongmingOptions>().Bind(configuration.GetSection(DongmingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DongmingOrleansOptions>().Bind(configuration.GetSection(DongmingOrleansOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        var options = configuration.GetSection(DongmingOptions.Section).Get<DongmingOptions>() ?? new DongmingOptions();
        var orleans = configuration.GetSection(DongmingOrleansOptions.Section).Get<DongmingOrleansOptions>() ?? new DongmingOrleansOptions();
        // Another instance on this machine holds the default ports: take free ones (embedded mode, defaults only).
        var claim = DefaultPorts.MoveTaken(configuration);
        builder.Services.AddSingleton(_ => claim); // created by a factory, so the container releases it on dispose
        var grpcUrls = string.IsNullOrEmpty(configuration["urls"]) ? DefaultUrl : configuration["urls"]!;

        // Before anything is written or bound: ports free, the data directory ours and its journal where it was.
        var dataDirectoryLock = Preflight.Check(configuration, grpcUrls);
        builder.Services.AddSingleton(_ => dataDirectoryLock); // created by a factory, so the container releases it on dispose

        // gRPC: HTTP/2 without TLS ("h2c") so grpcurl -plaintext works; /metrics and the dashboard: HTTP/1.1 side ports.
        builder.WebHost.UseUrls(SidePorts.Urls(configuration, grpcUrls, options.IsCluster));
        builder.AddDongmingSidePorts();
        builder.AddDongmingShutdown();
        builder.AddDongmingConnectionLimits();

        builder.AddDongmingJournal(options); // before the silo: the journal is initialised before any grain runs

        builder.UseOrleans(silo =>
        {
            if (options.IsCluster)
            {
                var redis = configuration.GetConnectionString("Redis");
                if (string.IsNullOrWhiteSpace(redis)) throw new OptionsValidationException("ConnectionStrings:Redis", typeof(DongmingOptions), ["ConnectionStrings:Redis is required in cluster mode"]);
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                silo.Configure<ClusterOptions>(o => { o.ClusterId = orleans.ClusterId; o.ServiceId = orleans.ServiceId; });
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = orleans.SiloPort;
                    o.GatewayPort = orleans.GatewayPort;
                    o.AdvertisedIPAddress = Cluster.AdvertisedAddress(orleans.AdvertisedAddress, cluster: true);
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, orleans.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, orleans.GatewayPort);
                });
                silo.ConfigureDongmingMembership(configuration);
            }
            else
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
            }
            silo.ConfigureDongmingGrainCollection(configuration);
            silo.AddDongmingGrains();
            silo.AddActivityPropagation();
            silo.AddDongmingDashboard(configuration);
        });

        builder.Services.AddGrpc(o =>
        {
            // Outermost first: the error interceptor maps whatever escapes the access interceptor and the service.
            o.Interceptors.Add<ErrorInterceptor>();
            o.Interceptors.Add<AccessInterceptor>();
            o.MaxReceiveMessageSize = 1024 * 1024;
            o.EnableDetailedErrors = false;
        });
        builder.AddDongmingExchange();
        builder.Services.AddGrpcReflection();
        builder.AddDongmingHttpJson();
        builder.Services.AddGrpcHealthChecks(o =>
        {
            o.Services.Map("", r => r.Tags.Contains("live")); // the no-op check: the process answers
            o.Services.Map("readiness", r => r.Tags.Contains("ready"));
            o.Services.Map("liveness", r => r.Tags.Contains("live"));
            o.UseHealthChecksCache = false;
        })
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<ReadinessCheck>("silo-and-storage", tags: ["ready"]);
        builder.Services.AddSingleton<ReadinessCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadinessCheck>());

        builder.Services.AddHostedService<DemoLoader>();
        builder.Services.AddHostedService<TownshipWarmUp>(); // after the demo's load, which writes the townships it warms
        builder.Services.AddOptions<WatchOptions>().Bind(configuration.GetSection(WatchOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TotalsFeed>();
        builder.Services.AddSingleton<TotalsWire>();
        builder.Services.AddSingleton<BannerRefs>();

        builder.AddDongmingTelemetry();
        return builder;
    }

    public static WebApplication MapDongming(this WebApplication app)
    {
        app.Services.GetRequiredService<Preflight.DataDirectoryLock>(); // resolved: the container releases it when the app is disposed
        app.Services.GetRequiredService<DefaultPorts.Claim>(); // likewise
        app.MapGrpcService<VillageGrpcService>();
        app.MapGrpcService<CatalogGrpcService>();
        app.MapGrpcService<ReportingGrpcService>();
        app.MapGrpcService<TownshipGrpcService>();
        app.MapGrpcService<CaseGrpcService>();
        app.MapGrpcService<PlanningGrpcService>();
        app.MapGrpcService<QualityGrpcService>();
        app.MapGrpcService<ApprovalGrpcService>();
        app.MapDongmingExchange();
        app.MapGrpcService<ReviewGrpcService>();
        app.MapGrpcService<BannerGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapDongmingHttpJson();
        app.MapDongmingSidePorts();
        app.LogDongmingShutdown();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            app.LogConnectionLimits();
            LogServing(app);
        });
        return app;
    }

    /// <summary>The start-up line users look for: where gRPC is served, the data and the admin token; the side ports on their own line.</summary>
    private static void LogServing(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DongmingOptions>>().Value;
        var (metrics, dashboard) = SidePorts.Ports(app.Configuration);
        var http = HttpJson.Port(app.Configuration);
        var grpc = app.Urls.Where(u => !SidePorts.IsSidePortUrl(u, metrics, dashboard) && !SidePorts.IsSidePortUrl(u, http, 0)).ToList();
        var adminToken = app.Services.GetRequiredService<SecurityFiles>().AdminToken;
        if (DefaultPorts.Describe(app.Services.GetRequiredService<DefaultPorts.Claim>().Moves) is { } moves) app.Logger.LogWarning("{Moves}", moves);
        if (options.IsCluster)
            app.Logger.LogInformation("Dongming is serving gRPC on {Urls} (cluster mode)", string.Join(", ", grpc));
        else
            app.Logger.LogInformation("Dongming is serving gRPC on {Urls} (embedded mode; data directory {Data}; admin token {AdminToken})",
                string.Join(", ", grpc), Path.GetFullPath(options.DataDirectory), adminToken ?? "none (Dongming:Auth:SigningKey or an authority is configured)");
        var side = new List<string>();
        if (metrics > 0) side.Add($"Prometheus metrics on {app.Urls.First(u => SidePorts.IsSidePortUrl(u, metrics, 0))}/metrics");
        if (dashboard > 0) side.Add($"Orleans Dashboard on {app.Urls.First(u => SidePorts.IsSidePortUrl(u, 0, dashboard))}/");
        if (http > 0) side.Add($"HTTP/JSON on {app.Urls.First(u => SidePorts.IsSidePortUrl(u, http, 0))} (OpenAPI {HttpJson.DocumentPath})");
        if (side.Count > 0) app.Logger.LogInformation("Side ports: {SidePorts}", string.Join("; ", side));
    }
}
