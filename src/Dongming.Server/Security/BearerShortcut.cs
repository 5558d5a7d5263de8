using System.Security.Claims;

namespace Dongming.Server.Security;

/// <summary>
/// Authentication of a gRPC call whose bearer token the <see cref="ValidatedTokenCache"/> already holds, without the
/// bearer handler: the handler, built per request, copies its validation parameters, raises its events and builds a
/// ticket on every call (about 8 % of the server's CPU per no-op, bench/README.md) only to reach the same cache. The
/// caller gets the principal the handler would have given (the token's identity, cloned); anything else — no or
/// another header, a token not (or no longer) cached, a request that is not gRPC (the dashboard's cookie) — goes
/// through <c>UseAuthentication</c> as before, so every refusal and its reason are the handler's.
/// </summary>
public sealed class BearerShortcut
{
    private const string Bearer = "Bearer ";

    private volatile ValidatedTokenCache[] _caches = [];

    /// <summary>
    /// Called whenever the bearer options are built (SecurityHost.cs) with the caches their token handlers use; options
    /// built again replace them, so a token is never taken on the word of handlers no longer in use.
    /// </summary>
    internal void UseCaches(ValidatedTokenCache[] caches) => _caches = caches;

    /// <summary>Sets <see cref="HttpContext.User"/> when the call's token is cached; true if it did.</summary>
    public bool TryAuthenticate(HttpContext http)
    {
        var request = http.Request;
        var caches = _caches;
        if (caches.Length == 0 || request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true) return false;
        var headers = request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)) return false;
        var token = header[Bearer.Length..].Trim(); // as the bearer handler reads it
        if (token.Length == 0) return false;
        foreach (var cache in caches)
        {
            if (!cache.TryGetIdentity(token, out var identity)) continue;
            http.User = new ClaimsPrincipal(identity);
            return true;
        }
        return false;
    }

    /// <summary>The shortcut, then <c>UseAuthentication</c> for every call it did not authenticate.</summary>
    public static void Use(WebApplication app)
    {
        var shortcut = app.Services.GetRequiredService<BearerShortcut>();
        app.Use((http, next) =>
        {
            if (shortcut.TryAuthenticate(http)) http.Features.Set<IShortcutAuthenticated>(Taken);
            return next(http);
        });
        app.UseWhen(static http => http.Features.Get<IShortcutAuthenticated>() is null, static branch => branch.UseAuthentication());
        // WebApplication adds UseAuthentication in front of the whole pipeline when the app's own builder never called
        // it (a branch's call is not seen): this key is how UseAuthentication tells it. Were the key to change, the
        // added middleware would authenticate every call again before the shortcut — slower, never less checked.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>Marks a request the shortcut authenticated (a feature: no per-request allocation).</summary>
    private interface IShortcutAuthenticated;

    private sealed class Marker : IShortcutAuthenticated;

    private static readonly Marker Taken = new();
}
