using Dongming.Server.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dongming.Server.Tests.Throughput;

/// <summary>The validated-token cache (src/Dongming.Server/Security/ValidatedTokenCache.cs): once per token, until it expires, bounded.</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 64).Select(i => (byte)i)];

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "dongming",
        ValidAudience = "dongming",
        IssuerSigningKey = new SymmetricSecurityKey(Key),
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromMinutes(1),
    };

    private static string Token(string subject, TimeSpan lifetime, byte[]? key = null) =>
        new TokenIssuer(key ?? Key, new AuthOptions()).Issue(new TokenRequest(subject, subject, Roles.Viewer, null, [], lifetime));

    /// <summary>The real handler, counting what reaches it.</summary>
    private sealed class Counting : TokenHandler
    {
        private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
        public int Calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref Calls);
            return _inner.ValidateTokenAsync(token, validationParameters);
        }
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task SameToken_IsValidatedOnce_AndEachCallerGetsItsOwnIdentity()
    {
        var inner = new Counting();
        var cache = new ValidatedTokenCache(inner, 100);
        var token = Token("t-once", TimeSpan.FromHours(1));

        var first = await cache.ValidateTokenAsync(token, Parameters);
        var second = await cache.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid && second.IsValid);
        Assert.Equal(1, inner.Calls);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("t-once", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(Roles.Viewer, second.ClaimsIdentity.FindFirst("role")?.Value);
    }

    [Fact]
    public async Task PastItsExpiry_ATokenIsValidatedAgain()
    {
        var inner = new Counting();
        var clock = new Clock(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(inner, 100, clock);
        var token = Token("t-expiry", TimeSpan.FromMinutes(10));

        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);
        clock.Now += TimeSpan.FromMinutes(9);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(1, inner.Calls);
        clock.Now += TimeSpan.FromMinutes(2); // past exp: the entry is not used
        await cache.ValidateTokenAsync(token, Parameters);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task InvalidOrExpiredTokens_AreNeverKept_AndFailEveryTime()
    {
        var inner = new Counting();
        var cache = new ValidatedTokenCache(inner, 100);
        var forged = Token("t-forged", TimeSpan.FromHours(1), key: [.. Enumerable.Range(100, 64).Select(i => (byte)i)]);
        var expired = Token("t-expired", TimeSpan.FromMinutes(-5));

        for (var i = 0; i < 2; i++)
        {
            Assert.IsAssignableFrom<SecurityTokenSignatureKeyNotFoundException>((await cache.ValidateTokenAsync(forged, Parameters)).Exception);
            Assert.IsAssignableFrom<SecurityTokenExpiredException>((await cache.ValidateTokenAsync(expired, Parameters)).Exception);
        }
        Assert.Equal(4, inner.Calls);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ManyTokens_KeepTheCacheWithinItsCapacity()
    {
        var cache = new ValidatedTokenCache(new Counting(), 3);
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await cache.ValidateTokenAsync(Token("t-many-" + i, TimeSpan.FromHours(1)), Parameters)).IsValid);
            Assert.InRange(cache.Count, 1, 3);
        }
    }

    private static Microsoft.AspNetCore.Http.DefaultHttpContext Call(string? authorization, string contentType = "application/grpc")
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.ContentType = contentType;
        if (authorization is not null) http.Request.Headers.Authorization = authorization;
        return http;
    }

    [Fact]
    public async Task Shortcut_ACachedToken_AuthenticatesTheCallWithItsOwnIdentity_UntilItExpires()
    {
        var clock = new Clock(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(new Counting(), 100, clock);
        var shortcut = new BearerShortcut();
        shortcut.UseCaches([cache]);
        var token = Token("t-shortcut", TimeSpan.FromMinutes(10));

        Assert.False(shortcut.TryAuthenticate(Call("Bearer " + token))); // not validated yet: the bearer handler's turn
        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);

        var first = Call("Bearer " + token);
        var second = Call("bearer  " + token + " ");
        Assert.True(shortcut.TryAuthenticate(first));
        Assert.True(shortcut.TryAuthenticate(second));
        Assert.Equal("t-shortcut", first.User.FindFirst("sub")?.Value);
        Assert.True(first.User.Identity?.IsAuthenticated);
        Assert.NotSame(first.User.Identity, second.User.Identity);

        clock.Now += TimeSpan.FromMinutes(11); // past exp: the handler decides (and refuses) again
        Assert.False(shortcut.TryAuthenticate(Call("Bearer " + token)));
    }

    [Fact]
    public async Task Shortcut_AnythingButACachedBearerTokenOfAGrpcCall_IsLeftToTheBearerHandler()
    {
        var cache = new ValidatedTokenCache(new Counting(), 100);
        var shortcut = new BearerShortcut();
        shortcut.UseCaches([cache]);
        var token = Token("t-left", TimeSpan.FromMinutes(10));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters)).IsValid);

        Assert.False(shortcut.TryAuthenticate(Call(null)));
        Assert.False(shortcut.TryAuthenticate(Call("Basic " + token)));
        Assert.False(shortcut.TryAuthenticate(Call("Bearer " + Token("t-other", TimeSpan.FromMinutes(10)))));
        Assert.False(shortcut.TryAuthenticate(Call("Bearer " + token, contentType: "text/html"))); // the dashboard: its cookie
        var twice = Call(null);
        twice.Request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer " + token, "Bearer " + token]);
        Assert.False(shortcut.TryAuthenticate(twice));
        shortcut.UseCaches([]); // the options were built again without a cache
        Assert.False(shortcut.TryAuthenticate(Call("Bearer " + token)));
    }
}
