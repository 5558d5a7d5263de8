using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Dongming.Server.Security;

/// <summary>
/// The Orleans Dashboard is for admins: every dashboard request needs an admin token. A browser cannot send a
/// bearer header, so <c>/login</c> on the dashboard port takes the token once (a form post, never a URL that
/// lands in logs) and keeps it in an HttpOnly, SameSite=Strict cookie that the bearer handler reads for
/// non-gRPC requests only.
/// </summary>
public static class DashboardAccess
{
    public const string CookieName = "dongming_token";
    public const string Policy = "dashboard-admin";

    /// <summary>Bearer events: the cookie as a token source for browser requests; a sign-in redirect instead of a bare 401.</summary>
    public static JwtBearerEvents Events() => new()
    {
        OnMessageReceived = context =>
        {
            var request = context.Request;
            if (!IsGrpc(request) && string.IsNullOrEmpty(request.Headers.Authorization) && request.Cookies.TryGetValue(CookieName, out var token))
                context.Token = token;
            return Task.CompletedTask;
        },
        OnChallenge = context =>
        {
            if (IsGrpc(context.Request) || context.Request.Path.StartsWithSegments("/login")) return Task.CompletedTask;
            context.HandleResponse();
            context.Response.Redirect("/login");
            return Task.CompletedTask;
        },
    };

    /// <summary>A gRPC call, or an HTTP/JSON route (a gRPC call too: it takes the bearer header only, never the dashboard's cookie).</summary>
    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true || HttpApi.HttpJson.IsJsonRoute(request.HttpContext.GetEndpoint());

    /// <summary>The sign-in page and form post of the dashboard port.</summary>
    public static void MapLogin(this WebApplication app, object portMetadata)
    {
        app.MapGet("/login", () => Results.Content(Page(null), "text/html; charset=utf-8")).WithMetadata(portMetadata).AllowAnonymous();
        app.MapPost("/login", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var token = form["token"].ToString().Trim();
            if (token.Length is 0 or > 8192) return Results.Content(Page("Paste an admin token."), "text/html; charset=utf-8", statusCode: 400);
            http.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = "/",
                MaxAge = TimeSpan.FromHours(8),
            });
            return Results.Redirect("/");
        }).WithMetadata(portMetadata).AllowAnonymous().DisableAntiforgery();
    }

    private static string Page(string? error) => $"""
        <!doctype html><html lang="zh"><head><meta charset="utf-8"><title>Dongming dashboard</title></head>
        <body style="font-family:sans-serif;max-width:40em;margin:3em auto">
        <h1>Dongming · Orleans dashboard</h1>
        <p>Admins only. Paste an admin token (e.g. the content of <code>admin.token</code> in the data directory).</p>
        {(error is null ? "" : $"<p style=\"color:#b00\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/login"><textarea name="token" rows="6" cols="70" autocomplete="off"></textarea><br>
        <button type="submit">Sign in</button></form></body></html>
        """;
}
