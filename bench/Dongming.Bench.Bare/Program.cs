using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// A bare grpc-dotnet server: h2c on the given --urls, grpc.health.v1.Health with one trivial check, logging at
// Warning, nothing else. The benchmark measures its Health/Check as the cost of the stack itself (bench/README.md).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:5099");
builder.Services.AddGrpc();
builder.Services.AddGrpcHealthChecks(o => o.UseHealthChecksCache = false).AddCheck("process", () => HealthCheckResult.Healthy());

var app = builder.Build();
app.MapGrpcHealthChecksService();
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("Bare gRPC server on " + string.Join(", ", app.Urls)));
await app.RunAsync();
