using Orleans.Dashboard;

namespace Dongming.Server.Hosting;

/// <summary>
/// The Orleans Dashboard (<c>Microsoft.Orleans.Dashboard</c>) for admins, on its own HTTP/1.1 port
/// (<see cref="DashboardOptions"/>). Every request needs an admin token (<see cref="Security.DashboardAccess"/>); it
/// still listens on loopback only unless <c>Dongming:Dashboard:AllowRemote</c> is set.
/// </summary>
public static class Dashboard
{
    public static ISiloBuilder AddDongmingDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (SidePorts.Ports(configuration).Dashboard == 0) return silo;
        // The live log stream ("trace") shows every log line of the silo, tokens' subjects included: kept off.
        return silo.AddDashboard(o => o.HideTrace = true);
    }

    public static void MapDongmingDashboard(this WebApplication app, int port)
    {
        var onPort = new SidePorts.SidePort(port);
        app.MapOrleansDashboard().WithMetadata(onPort).RequireAuthorization(Security.DashboardAccess.Policy);
        Security.DashboardAccess.MapLogin(app, onPort);
    }
}
