using System.Collections.Concurrent;
using System.Net;
using Dongming.Server.Settings;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Hosting;

/// <summary>
/// Kestrel's limits from <see cref="ConnectionOptions"/>: a bound on open connections (overall and per remote
/// address) so that a flood of silent connections is refused — each refused connection is closed at once, its file
/// descriptor freed — instead of exhausting the process's descriptors; idle and handshake timeouts close what sends
/// nothing; HTTP/2 stream limits and keep-alive pings bound what one connection may hold.
/// </summary>
public static class Connections
{
    public static WebApplicationBuilder AddDongmingConnectionLimits(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<ConnectionOptions>().Bind(configuration.GetSection(ConnectionOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Problems().Count == 0, "Dongming:Connections: timeouts must be positive").ValidateOnStart();
        var limits = configuration.GetSection(ConnectionOptions.Section).Get<ConnectionOptions>() ?? new ConnectionOptions();
        var perAddress = new PerAddressLimit(limits.MaxConnectionsPerAddress);
        var max = limits.EffectiveMaxConnections(); // once: the default depends on the files open at this moment
        builder.Services.AddSingleton(perAddress);
        builder.Services.AddSingleton(new ConnectionLimitInForce(max));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ConfigureEndpointDefaults(l =>
            {
                l.Protocols = SidePorts.Protocols(l, configuration);
                if (perAddress.Limit > 0) l.Use(perAddress.Middleware);
            });
            k.ConfigureHttpsDefaults(h => h.HandshakeTimeout = limits.HandshakeTimeout);
            k.Limits.MaxConcurrentConnections = max > 0 ? max : null;
            k.Limits.MaxConcurrentUpgradedConnections = max > 0 ? max : null;
            k.Limits.KeepAliveTimeout = limits.IdleTimeout;
            k.Limits.RequestHeadersTimeout = limits.HandshakeTimeout;
            k.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
            k.Limits.Http2.MaxStreamsPerConnection = limits.MaxStreamsPerConnection;
            k.Limits.Http2.KeepAlivePingDelay = limits.KeepAlivePingDelay;
            k.Limits.Http2.KeepAlivePingTimeout = limits.KeepAlivePingTimeout;
        });
        return builder;
    }

    /// <summary>Logs the limits in force once (the overall one may be derived from the open-file limit).</summary>
    public static void LogConnectionLimits(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<ConnectionOptions>>().Value;
        var max = app.Services.GetRequiredService<ConnectionLimitInForce>().MaxConnections;
        app.Logger.LogInformation("Connection limits: {Max} open connections ({PerAddress} per address; open-file limit {Files}), idle timeout {Idle}",
            max > 0 ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no limit on",
            limits.MaxConnectionsPerAddress > 0 ? limits.MaxConnectionsPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no limit",
            ConnectionOptions.OpenFileLimit(), limits.IdleTimeout);
    }
}

/// <summary>The overall connection limit chosen at start (0 = none).</summary>
public sealed record ConnectionLimitInForce(int MaxConnections);

/// <summary>Open connections per remote address; a connection over the limit is closed before any byte is read.</summary>
public sealed class PerAddressLimit(int limit)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();
    private long _refused;

    public int Limit => limit;

    /// <summary>Connections refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (address is null)
        {
            await next(connection);
            return;
        }
        if (_open.AddOrUpdate(address, 1, (_, n) => n + 1) > limit)
        {
            Leave(address);
            Interlocked.Increment(ref _refused);
            return; // returning closes the connection
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Leave(address);
        }
    };

    private void Leave(IPAddress address)
    {
        if (_open.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0) _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
    }
}
