using Dongming.Server.Services;
using Dongming.Server.Settings;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Exchange;

/// <summary>Wiring of ExchangeService: its settings and its gRPC message limit (the files it takes are larger than other requests).</summary>
public static class ExchangeHosting
{
    private static readonly PathString ExchangePath = "/dongming.v1.ExchangeService";

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
        // Kestrel's request body limit (4 MB for every call, see Connections.cs) is raised for ExchangeService alone.
        var bodyLimit = (long)app.Services.GetRequiredService<IOptions<ExchangeOptions>>().Value.MaxFileBytes + ExchangeOptions.RequestOverhead;
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ExchangePath, StringComparison.Ordinal)
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
                body.MaxRequestBodySize = bodyLimit;
            return next(context);
        });
        app.MapGrpcService<ExchangeGrpcService>();
        return app;
    }
}
