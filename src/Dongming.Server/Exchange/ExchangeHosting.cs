using Dongming.Server.Services;
using Dongming.Server.Settings;

namespace Dongming.Server.Exchange;

/// <summary>Wiring of ExchangeService: its settings and its gRPC message limit (the files it takes are larger than other requests).</summary>
public static class ExchangeHosting
{
    public static WebApplicationBuilder AddDongmingExchange(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExchangeOptions>().Bind(builder.Configuration.GetSection(ExchangeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ExchangeOptions.Section).Get<ExchangeOptions>() ?? new ExchangeOptions();
        builder.Services.AddGrpc().AddServiceOptions<ExchangeGrpcService>(o =>
        {
            o.MaxReceiveMessageSize = options.MaxFileBytes + ExchangeOptions.RequestOverhead;
            o.MaxSendMessageSize = null;
        });
        return builder;
    }

    public static WebApplication MapDongmingExchange(this WebApplication app)
    {
        app.MapGrpcService<ExchangeGrpcService>();
        return app;
    }
}
