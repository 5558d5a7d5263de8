using System.Reflection;
using Dongming.Server.Security;

namespace Dongming.Server.Hosting;

/// <summary>
/// The composition of the service, used by <c>Program.cs</c> and by the in-process test host alike, and the
/// command line of the server binary (<c>--help</c>, <c>--version</c>, <c>token …</c>, or serve).
/// </summary>
public static class DongmingApp
{
    private const string Help = """
        Dongming: township governance figures and remediation cases (gRPC on Microsoft Orleans).

        usage: Dongming.Server [--urls URL] [--Setting:Name=value ...]   serve (embedded mode by default)
               Dongming.Server token issue --role ROLE [...]              mint a bearer token (token issue --help)
               Dongming.Server --help | --version

        Common settings (all are listed with their defaults in the README, Configuration):
          --urls http://localhost:5080            gRPC listen address(es), ';'-separated
          --Dongming:DataDirectory=./data         journal, signing key and admin token (embedded mode)
          --Dongming:Mode=embedded|cluster        one machine on SQLite, or an Orleans cluster on PostgreSQL + Redis
          --Dongming:Metrics:Port=9464            Prometheus /metrics (0 = off)
          --Dongming:Http:Port=5081               HTTP/JSON for HTTP/1.1 clients (curl, BI tools) and /openapi/v1.json (0 = off)
          --Dongming:Orleans:SiloPort=11111 --Dongming:Orleans:GatewayPort=30000
          --Dongming:Demo:Load=true               load the 2023 dataset of Dongming township on first start
        Settings also come from appsettings.json beside the binary and environment variables (Dongming__Mode=…).
        """;

    /// <summary>The binary's entry point: returns the exit code.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        if (args is ["token", ..]) return await TokenCommand.RunAsync(args[1..]);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        if (args.Any(a => a is "--version"))
        {
            Console.Out.WriteLine($"Dongming.Server {Version} (.NET {Environment.Version})");
            return 0;
        }

        try
        {
            await using var app = Build(CreateBuilder(args));
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (StartupFailure.Describe(e) is { } line)
        {
            Console.Error.WriteLine("Dongming cannot start: " + line);
            return 1;
        }
    }

    /// <summary>The version of the binary (its informational version, without the build metadata's commit).</summary>
    public static string Version =>
        typeof(DongmingApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// The builder with every service registered. Settings come from <c>appsettings.json</c> beside the binary
    /// (the content root is the binary's folder, whatever the working directory), the environment and
    /// <paramref name="args"/>; relative paths such as <c>Dongming:DataDirectory</c> are taken from the working directory.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddDongming();
        builder.AddDongmingSecurity();
        return builder;
    }

    /// <summary>The application with its middleware and endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseDongmingSecurity();
        app.MapDongming();
        return app;
    }
}
