using System.Net;
using Dongming.Grains;
using Dongming.Server.Demo;
using Dongming.Server.Services;
using Dongming.Storage;
using Dongming.Storage.Postgres;
using Dongming.Storage.Sqlite;
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

        // gRPC: HTTP/2 without TLS ("h2c") so grpcurl -plaintext works; /metrics and the dashboard: HTTP/1.1 side ports.
        builder.WebHost.UseUrls(SidePorts.Urls(configuration, string.IsNullOrEmpty(configuration["urls"]) ? DefaultUrl : configuration["urls"]!, options.IsCluster));
        builder.AddDongmingSidePorts();
        builder.AddDongmingShutdown();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ConfigureEndpointDefaults(l => l.Protocols = SidePorts.Protocols(l, configuration));
            k.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
        });

        AddJournal(builder.Services, options, configuration);

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
            silo.AddDongmingGrains();
            silo.AddActivityPropagation();
            silo.AddDongmingDashboard(configuration);
        });

        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorInterceptor>();
            o.MaxReceiveMessageSize = 1024 * 1024;
            o.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
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

        builder.AddDongmingTelemetry();
        return builder;
    }

    private static void AddJournal(IServiceCollection services, DongmingOptions options, IConfiguration configuration)
    {
        if (options.IsCluster)
        {
            var connection = configuration.GetConnectionString("Journal");
            if (string.IsNullOrWhiteSpace(connection)) throw new OptionsValidationException("ConnectionStrings:Journal", typeof(DongmingOptions), ["ConnectionStrings:Journal is required in cluster mode"]);
            services.AddSingleton<IJournalStore>(sp =>
                PostgresJournalStore.CreateAsync(new PostgresJournalOptions { ConnectionString = connection }, sp.GetService<ILogger<PostgresJournalStore>>()).GetAwaiter().GetResult());
        }
        else
        {
            var directory = Path.GetFullPath(options.DataDirectory);
            services.AddSingleton<IJournalStore>(sp =>
            {
                Directory.CreateDirectory(directory);
                var path = Path.Combine(directory, "dongming.db");
                sp.GetRequiredService<ILogger<SqliteJournalStore>>().LogInformation("Journal: SQLite file {Path}", path);
                return new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = path }, sp.GetService<ILogger<SqliteJournalStore>>());
            });
        }
    }

    public static WebApplication MapDongming(this WebApplication app)
    {
        app.MapGrpcService<VillageGrpcService>();
        app.MapGrpcService<CatalogGrpcService>();
        app.MapGrpcService<ReportingGrpcService>();
        app.MapGrpcService<TownshipGrpcService>();
        app.MapGrpcService<CaseGrpcService>();
        app.MapGrpcService<QualityGrpcService>();
        app.MapGrpcService<ApprovalGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapDongmingSidePorts();
        app.LogDongmingShutdown();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var options = app.Services.GetRequiredService<IOptions<DongmingOptions>>().Value;
            app.Logger.LogInformation("Dongming is serving gRPC on {Urls} ({Mode} mode; data directory {Data})",
                string.Join(", ", app.Urls), options.Mode, Path.GetFullPath(options.DataDirectory));
        });
        return app;
    }
}

/// <summary>Ready once the silo has started and the demo load (if any) is done; the journal answering a read.</summary>
public sealed class ReadinessCheck(IJournalStore store) : IHealthCheck, IHostedService
{
    private volatile bool _started;

    public Task StartAsync(CancellationToken cancellationToken) { _started = true; return Task.CompletedTask; }

    public Task StopAsync(CancellationToken cancellationToken) { _started = false; return Task.CompletedTask; }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_started) return HealthCheckResult.Unhealthy("starting");
        try
        {
            await store.GetVersionsAsync(["health"], cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("journal unreachable");
        }
    }
}
