using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Dongming.Server.Settings;
using Orleans.Configuration;

namespace Dongming.Server.Hosting;

public static class Cluster
{
    /// <summary>Membership timing, and the host's shutdown timeout from <c>HostOptions:ShutdownTimeout</c>.</summary>
    public static ISiloBuilder ConfigureDongmingMembership(this ISiloBuilder silo, IConfiguration configuration)
    {
        var membership = configuration.GetSection(DongmingMembershipOptions.Section).Get<DongmingMembershipOptions>() ?? new DongmingMembershipOptions();
        if (membership.ProbeTimeout <= TimeSpan.Zero || membership.MissedProbesLimit < 1)
            throw new Microsoft.Extensions.Options.OptionsValidationException(DongmingMembershipOptions.Section, typeof(DongmingMembershipOptions), ["ProbeTimeout must be positive and MissedProbesLimit at least 1"]);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = membership.ProbeTimeout;
            o.NumMissedProbesLimit = membership.MissedProbesLimit;
        });
        return silo;
    }

    /// <summary>
    /// Idle grains are deactivated after <see cref="GrainsOptions.CollectionAge"/> (validated here, before the silo
    /// starts); the collector runs every minute, or every half age for a shorter age. Under memory pressure the least
    /// recently used are deactivated sooner (<see cref="GrainsOptions.ShedAtMemoryPercent"/>).
    /// </summary>
    public static ISiloBuilder ConfigureDongmingGrainCollection(this ISiloBuilder silo, IConfiguration configuration)
    {
        var grains = configuration.GetSection(GrainsOptions.Section).Get<GrainsOptions>() ?? new GrainsOptions();
        if (grains.Problems() is { Count: > 0 } problems)
            throw new Microsoft.Extensions.Options.OptionsValidationException(GrainsOptions.Section, typeof(GrainsOptions), problems);
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(grains)); // the section as validated here, for the rest of the host
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = grains.CollectionAge;
            o.CollectionQuantum = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, grains.CollectionAge.Ticks / 2));
            o.EnableActivationSheddingOnMemoryPressure = grains.ShedAtMemoryPercent > 0;
            if (grains.ShedAtMemoryPercent > 0)
            {
                o.MemoryUsageLimitPercentage = grains.ShedAtMemoryPercent;
                o.MemoryUsageTargetPercentage = grains.ShedToMemoryPercent;
            }
        });
        return silo;
    }

    /// <summary>Graceful stop: SIGTERM drains gRPC calls, deactivates grains and leaves the cluster within this time.</summary>
    public static WebApplicationBuilder AddDongmingShutdown(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("HostOptions"));
        return builder;
    }

    /// <summary>Logs the graceful stop (SIGTERM / Ctrl+C): Kestrel drains the gRPC calls, then the silo deactivates its grains and leaves the cluster.</summary>
    public static WebApplication LogDongmingShutdown(this WebApplication app)
    {
        app.Lifetime.ApplicationStopping.Register(() => app.Logger.LogInformation(
            "Dongming is shutting down: draining gRPC calls, deactivating grains, leaving the cluster (timeout {Timeout})",
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostOptions>>().Value.ShutdownTimeout));
        app.Lifetime.ApplicationStopped.Register(() => app.Logger.LogInformation("Dongming stopped"));
        return app;
    }

    /// <summary>The address other silos reach this one at: the setting, else loopback (embedded) or the first up non-loopback IPv4 address (cluster).</summary>
    public static IPAddress AdvertisedAddress(string? configured, bool cluster)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return IPAddress.Parse(configured);
        if (!cluster) return IPAddress.Loopback;
        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
    }
}
