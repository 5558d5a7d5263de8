using System.Threading.RateLimiting;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Dongming.Server.Security;

/// <summary>
/// Every call passes here (inside the error interceptor, which maps what escapes; their order is registered in
/// Hosting/DongmingHost.cs): the per-caller rate limit
/// (RESOURCE_EXHAUSTED), authentication (UNAUTHENTICATED, with the reason), the policy table (PERMISSION_DENIED)
/// and the deadline (no work is started for a call whose deadline has passed). The status codes are set here
/// rather than by ASP.NET's challenge/forbid (HTTP 401/403) or the rate-limiting middleware (HTTP 429, which gRPC
/// clients read as UNAVAILABLE and retry), so every client sees a proper gRPC status with a message.
/// </summary>
public sealed class AccessInterceptor(AccessPolicy policy, CallerRateLimiter limiter, IOptions<AuthOptions> options, ILogger<AccessInterceptor> logger) : Interceptor
{
    private const string HealthPrefix = "/grpc.health.v1.Health/";
    private const string ReflectionPrefix = "/grpc.reflection.";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method.StartsWith(HealthPrefix, StringComparison.Ordinal))
        {
            // Probes can't authenticate: the health check passes without a state machine here.
            context.GetHttpContext().Items[Admitted] = null;
            return continuation(request, context);
        }
        return AdmitThenCall(request, context, continuation);
    }

    private async Task<TResponse> AdmitThenCall<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        await Admit(request as IMessage, context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await Admit(request as IMessage, context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await Admit(null, context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var healthOnly = await Admit(null, context);
        await continuation(healthOnly ? new HealthReflectionOnly<TRequest>(requestStream) : requestStream, responseStream, context);
    }

    /// <summary>
    /// Reflection for a caller without a token: only what describes <c>grpc.health.v1.Health</c>, so
    /// <c>grpcurl -plaintext HOST grpc.health.v1.Health/Check</c> works as probes' tools expect, while the rest of
    /// the schema (listing services included) still needs a token.
    /// </summary>
    private sealed class HealthReflectionOnly<TRequest>(IAsyncStreamReader<TRequest> inner) : IAsyncStreamReader<TRequest>
    {
        private const string HealthFile = "grpc/health/v1/health.proto";
        private const string HealthPackage = "grpc.health.v1.";

        public TRequest Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            var allowed = inner.Current switch
            {
                Grpc.Reflection.V1.ServerReflectionRequest r => IsHealth(r.FileContainingSymbol, r.FileByFilename),
                Grpc.Reflection.V1Alpha.ServerReflectionRequest r => IsHealth(r.FileContainingSymbol, r.FileByFilename),
                _ => false,
            };
            if (!allowed) throw new RpcException(new Status(StatusCode.Unauthenticated, "without a bearer token, reflection describes grpc.health.v1.Health only"));
            return true;
        }

        private static bool IsHealth(string symbol, string file) =>
            symbol.StartsWith(HealthPackage, StringComparison.Ordinal) || file == HealthFile;
    }

    private static readonly object Admitted = new();

    /// <summary>True once a call reached this interceptor (its request message was decoded).</summary>
    public static bool WasAdmitted(HttpContext http) => http.Items.ContainsKey(Admitted);

    /// <summary>Admits the call or throws; true when only health reflection is admitted (an anonymous reflection call).</summary>
    private async Task<bool> Admit(IMessage? request, ServerCallContext context)
    {
        var method = context.Method;
        var http = context.GetHttpContext();
        http.Items[Admitted] = null;
        if (method.StartsWith(HealthPrefix, StringComparison.Ordinal)) return false; // probes can't authenticate
        var caller = CallerScope.From(http.User, options.Value.RoleClaim);

        var partition = caller is not null ? "sub:" + caller.Subject : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (!limiter.TryAcquire(partition))
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "rate limit exceeded for this caller; slow down and retry later"));

        var reflection = method.StartsWith(ReflectionPrefix, StringComparison.Ordinal);
        if (caller is null)
        {
            if (reflection) return !options.Value.AnonymousReflection;
            throw new RpcException(new Status(StatusCode.Unauthenticated, await WhyUnauthenticated(http)));
        }
        if (reflection) return false;

        if (!AccessPolicy.Table.TryGetValue(method, out var rule) || request is null)
            throw new RpcException(new Status(StatusCode.PermissionDenied, "this method is not open to any caller"));
        if (await policy.Check(rule, request, caller, method) is { } denied)
        {
            logger.LogInformation("Denied {Method} to {Subject}", method, caller.Subject);
            throw new RpcException(new Status(StatusCode.PermissionDenied, denied));
        }
        if (context.CancellationToken.IsCancellationRequested)
        {
            var expired = context.Deadline <= DateTime.UtcNow;
            throw new RpcException(new Status(expired ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, expired ? "the deadline passed before the call started" : "the call was cancelled"));
        }
        return false;
    }

    /// <summary>A caller-safe reason: no exception text, just which of the usual mistakes it is.</summary>
    private static async Task<string> WhyUnauthenticated(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return "a bearer token is required (metadata 'authorization: Bearer <token>')";
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "the authorization metadata must be 'Bearer <token>'";
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Failure switch
        {
            SecurityTokenExpiredException => "the bearer token has expired",
            SecurityTokenNotYetValidException => "the bearer token is not valid yet",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the bearer token's signature is not valid",
            SecurityTokenInvalidIssuerException => "the bearer token's issuer is not trusted",
            SecurityTokenInvalidAudienceException => "the bearer token is for another audience",
            null when result.Succeeded => "the bearer token names no subject ('sub')",
            _ => "the bearer token is not valid",
        };
    }
}

/// <summary>Token buckets per caller (<see cref="RateLimitOptions"/>); idle buckets are dropped by the limiter.</summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        if (o.PermitsPerSecond <= 0) return;
        var burst = o.Burst > 0 ? o.Burst : 2 * o.PermitsPerSecond;
        // Replenish ten times a second at high rates (smooth), once per permit at low ones.
        var (period, tokens) = o.PermitsPerSecond >= 10
            ? (TimeSpan.FromMilliseconds(100), (o.PermitsPerSecond + 9) / 10)
            : (TimeSpan.FromSeconds(1.0 / o.PermitsPerSecond), 1);
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public bool TryAcquire(string partition)
    {
        if (_limiter is null) return true;
        using var lease = _limiter.AttemptAcquire(partition);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();
}
