using Dongming.Grains;
using Dongming.Server.Settings;
using Dongming.Storage;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dongming.Server.Hosting;

/// <summary>
/// OpenTelemetry: traces (ASP.NET Core/gRPC server spans, Orleans grain calls with activity propagation),
/// metrics (the service's meter, the journal's, Orleans', ASP.NET Core's and the .NET runtime's) and logs.
/// OTLP export is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; Prometheus scrapes <c>/metrics</c> on
/// <c>Dongming:Metrics:Port</c> (see <see cref="SidePorts"/>).
/// </summary>
public static class Telemetry
{
    /// <summary>Activity sources traced.</summary>
    public static readonly string[] Sources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Meters exported.</summary>
    public static readonly string[] Meters = [ServiceMetrics.MeterName, JournalMetrics.MeterName, "Microsoft.Orleans", "System.Runtime"];

    public static WebApplicationBuilder AddDongmingTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var prometheus = SidePorts.Ports(configuration).Metrics > 0;
        builder.Services.AddOptions<TracingOptions>().Bind(configuration.GetSection(TracingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var sampleRatio = configuration.GetSection(TracingOptions.Section).Get<TracingOptions>()?.SampleRatio ?? new TracingOptions().SampleRatio;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "dongming", serviceInstanceId: Environment.GetEnvironmentVariable("POD_NAME")))
            // Parent-based: a caller's sampled trace context is followed; calls without one are traced at the ratio.
            .WithTracing(t => t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(sampleRatio, 0, 1))))
                .AddAspNetCoreInstrumentation().AddSource(Sources))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddMeter(Meters);
                if (prometheus) m.AddPrometheusExporter();
            })
            .WithLogging(configureBuilder: null, configureOptions: o => { o.IncludeFormattedMessage = true; o.IncludeScopes = true; });
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) otel.UseOtlpExporter();
        return builder;
    }
}
