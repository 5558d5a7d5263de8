using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Dongming.Server.Security;

/// <summary>Where the embedded default's signing key and admin token are (absolute paths; null when not written).</summary>
public sealed record SecurityFiles(string? KeyFile, bool KeyCreated, string? AdminToken);

/// <summary>
/// Wiring of access control: JWT bearer authentication, the access policy, the rate limit and the admin token. The
/// access interceptor itself is registered with the error interceptor, in one list (Hosting/DongmingHost.cs).
/// </summary>
public static class SecurityHost
{
    public static WebApplicationBuilder AddDongmingSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        // Resolved while building so a bad key fails the start, and the admin token exists before the first call.
        var (auth, dongming) = AuthOptions.Read(builder.Configuration);
        var (key, keyFile, created) = SigningKeys.Resolve(auth, dongming);
        string? adminToken = null;
        if (!dongming.IsCluster && key is not null)
        {
            adminToken = Path.Combine(Path.GetFullPath(dongming.DataDirectory), SigningKeys.AdminTokenFileName);
            SigningKeys.WritePrivate(adminToken, new TokenIssuer(key, auth).IssueAdmin() + "\n");
        }
        services.AddSingleton(new SecurityFiles(keyFile, created, adminToken));

        var shortcut = new BearerShortcut();
        services.AddSingleton(shortcut);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false; // keep sub, name, role, township, village as the token names them
            if (auth.ValidatedTokenCache > 0)
            {
                // Each token is validated once, then served from the cache until it expires (AuthOptions.ValidatedTokenCache).
                var handlers = o.TokenHandlers.ToArray();
                o.TokenHandlers.Clear();
                var caches = handlers.Select(h => new ValidatedTokenCache(h, auth.ValidatedTokenCache)).ToArray();
                foreach (var cache in caches) o.TokenHandlers.Add(cache);
                shortcut.UseCaches(caches); // a cached token's next calls skip the handler (BearerShortcut)
            }
            o.Events = DashboardAccess.Events();
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                o.Authority = auth.Authority;
                o.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            }
            o.TokenValidationParameters = new TokenValidationParameters
            {
                // With an authority, the handler adds its metadata's issuer and keys to these.
                ValidIssuers = [auth.Issuer],
                ValidAudience = auth.Audience,
                IssuerSigningKeys = key is null ? [] : [new SymmetricSecurityKey(key)],
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidAlgorithms = string.IsNullOrWhiteSpace(auth.Authority) ? [SecurityAlgorithms.HmacSha256] : null,
                NameClaimType = Roles.NameClaim,
                RoleClaimType = auth.RoleClaim,
                ClockSkew = auth.ClockSkew,
            };
        });
        services.AddAuthorization(o => o.AddPolicy(DashboardAccess.Policy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin)));
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<CallerRateLimiter>();
        return builder;
    }

    public static WebApplication UseDongmingSecurity(this WebApplication app)
    {
        BearerShortcut.Use(app); // UseAuthentication, but a call with a token validated before is not authenticated again
        app.UseAuthorization(); // the dashboard's endpoints require an admin (gRPC endpoints are checked by the access interceptor)
        app.Use(RewriteUndecodableRequests);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var files = app.Services.GetRequiredService<SecurityFiles>();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Dongming.Security");
            if (files.KeyCreated) logger.LogInformation("Created the token signing key {KeyFile} (mode 0600; keep it, it signs every token)", files.KeyFile);
            foreach (var url in app.Urls.Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(u)))
                logger.LogWarning("Serving plaintext HTTP/2 on {Url}: bearer tokens cross the network unencrypted; configure TLS (see README, Access control)", url);
        });
        return app;
    }

    /// <summary>
    /// A request body that is not a valid protobuf message of the method's request type fails in grpc-dotnet before
    /// any interceptor runs and is answered UNKNOWN ("Exception was thrown by handler."). It is the client's mistake:
    /// answer INVALID_ARGUMENT instead. Only calls the access interceptor never saw are rewritten, so a fault after
    /// it (there is none expected: the error interceptor maps every exception) would keep its status.
    /// </summary>
    private static Task RewriteUndecodableRequests(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                if (!AccessInterceptor.WasAdmitted(http) && http.Response.Headers["grpc-status"] == "2")
                {
                    http.Response.Headers["grpc-status"] = "3";
                    http.Response.Headers["grpc-message"] = "the request is not a valid message of this method's request type";
                }
                return Task.CompletedTask;
            }, context);
        }
        return next(context);
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("*", "any", StringComparison.Ordinal).Replace("+", "any", StringComparison.Ordinal), UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }
}
