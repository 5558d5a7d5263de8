using Dongming.Server.Settings;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Security;

/// <summary>
/// How tokens are trusted (section <c>Dongming:Auth</c>). Two ways, combinable: a signing key the service holds
/// (HMAC-SHA256; the embedded default creates one in the data directory) and an external OpenID Connect
/// authority (keys from its metadata). Every setting is documented in the README.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Dongming:Auth";

    /// <summary>Smallest signing key, in bytes (HMAC-SHA256 wants at least its output size).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Base64 of at least 32 random bytes. Required in cluster mode unless <see cref="Authority"/> is set; embedded mode creates one in <c>signing.key</c> when absent.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Issuer of self-issued tokens (the <c>iss</c> claim written and required).</summary>
    public string Issuer { get; set; } = "dongming";

    /// <summary>Audience of self-issued tokens, and the audience required of an external authority's tokens.</summary>
    public string Audience { get; set; } = "dongming";

    /// <summary>An external OpenID Connect authority (its issuer URL); its metadata supplies the keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Fetch the authority's metadata over HTTPS only (turn off only for a local test authority).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim that carries roles (an external authority may use another name, e.g. <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>Lifetime of the admin token written at start and the default of <c>token issue</c>.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Allowed clock difference between the token's issuer and this server.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Validated tokens remembered (keyed by the token's text, each until its expiry), so a caller's token is checked
    /// once rather than on every call; 0 turns the cache off. Only valid tokens are kept.
    /// </summary>
    public int ValidatedTokenCache { get; set; } = 10_000;

    /// <summary>Serve gRPC reflection to callers without a token (default: only to authenticated callers).</summary>
    public bool AnonymousReflection { get; set; }

    /// <summary>The signing key's bytes, or null when none is configured; throws on a malformed key.</summary>
    public byte[]? SigningKeyBytes() => string.IsNullOrWhiteSpace(SigningKey) ? null : Convert.FromBase64String(SigningKey.Trim());

    /// <summary>Every problem of the settings (empty when valid).</summary>
    public IReadOnlyList<string> Problems(DongmingOptions dongming)
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(SigningKey))
        {
            try
            {
                if (SigningKeyBytes()!.Length < MinKeyBytes) problems.Add($"Dongming:Auth:SigningKey must be base64 of at least {MinKeyBytes} bytes");
            }
            catch (FormatException)
            {
                problems.Add("Dongming:Auth:SigningKey is not valid base64");
            }
        }
        if (!string.IsNullOrWhiteSpace(Authority))
        {
            if (!Uri.TryCreate(Authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                problems.Add("Dongming:Auth:Authority must be an absolute http(s) URL");
            else if (RequireHttpsMetadata && uri.Scheme != Uri.UriSchemeHttps)
                problems.Add("Dongming:Auth:Authority must be https (or set Dongming:Auth:RequireHttpsMetadata=false for a test authority)");
        }
        if (dongming.IsCluster && string.IsNullOrWhiteSpace(SigningKey) && string.IsNullOrWhiteSpace(Authority))
            problems.Add("Dongming:Auth:SigningKey (base64, shared by every silo, e.g. from a Kubernetes Secret) or Dongming:Auth:Authority is required in cluster mode");
        if (string.IsNullOrWhiteSpace(Issuer)) problems.Add("Dongming:Auth:Issuer must not be empty");
        if (string.IsNullOrWhiteSpace(Audience)) problems.Add("Dongming:Auth:Audience must not be empty");
        if (string.IsNullOrWhiteSpace(RoleClaim)) problems.Add("Dongming:Auth:RoleClaim must not be empty");
        if (TokenLifetime <= TimeSpan.Zero) problems.Add("Dongming:Auth:TokenLifetime must be positive");
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10)) problems.Add("Dongming:Auth:ClockSkew must be between 0 and 10 minutes");
        if (ValidatedTokenCache < 0 || ValidatedTokenCache > 1_000_000) problems.Add("Dongming:Auth:ValidatedTokenCache must be between 0 and 1000000");
        return problems;
    }

    /// <summary>Reads and validates the settings; throws <see cref="OptionsValidationException"/> naming every problem.</summary>
    public static (AuthOptions Auth, DongmingOptions Dongming) Read(IConfiguration configuration)
    {
        var auth = configuration.GetSection(Section).Get<AuthOptions>() ?? new AuthOptions();
        var dongming = configuration.GetSection(DongmingOptions.Section).Get<DongmingOptions>() ?? new DongmingOptions();
        var problems = auth.Problems(dongming);
        if (problems.Count > 0) throw new OptionsValidationException(Section, typeof(AuthOptions), problems);
        return (auth, dongming);
    }
}

/// <summary>Validation at start (the same rules <see cref="AuthOptions.Read"/> applies when the host is built).</summary>
public sealed class AuthOptionsValidator(IOptions<DongmingOptions> dongming) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var problems = options.Problems(dongming.Value);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Per-caller rate limit (section <c>Dongming:RateLimit</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Dongming:RateLimit";

    /// <summary>Sustained calls per second per caller (token subject, or remote address without a token); 0 turns the limit off.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 2000;

    /// <summary>Calls a caller may make at once above the sustained rate (token bucket size); 0 = twice the rate.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 10_000_000)]
    public int Burst { get; set; }
}
