using Orleans.Dashboard;

namespace Dongming.Server.Hosting;

/// <summary>
/// The Orleans Dashboard (<c>Microsoft.Orleans.Dashboard</c>) for admins, on its own HTTP/1.1 port
/// (<see cref="DashboardOptions"/>). It has no authentication yet: it listens on loopback only unless
/// <c>Dongming:Dashboard:AllowRemote</c> is set; once access control lands, it will require an admin token.
/// </summary>
public static class Dashboard
{
    public static ISiloBuilder AddDongmingDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (SidePorts.Ports(configuration).Dashboard == 0) return silo;
        // The live log stream ("trace") shows every log line of the silo: off while the dashboard is unauthenticated.
        return silo.AddDashboard(o => o.HideTrace = true);
    }

    public static void MapDongmingDashboard(this WebApplication app, int port) =>
        app.MapOrleansDashboard().WithMetadata(new SidePorts.SidePort(port));
}
