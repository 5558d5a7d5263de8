using System.Security.Cryptography;
using Dongming.Server.Settings;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dongming.Server.Security;

/// <summary>The five roles and the claims a token carries.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string TownshipStaff = "township_staff";
    public const string VillageReporter = "village_reporter";
    public const string Viewer = "viewer";
    public const string BannerStaff = "banner_staff";

    public static readonly IReadOnlyList<string> All = [Admin, TownshipStaff, VillageReporter, Viewer, BannerStaff];

    /// <summary>Claim naming the township of a <c>township_staff</c> token.</summary>
    public const string TownshipClaim = "township";

    /// <summary>Claim (one per village) naming the villages of a <c>village_reporter</c> token.</summary>
    public const string VillageClaim = "village";

    /// <summary>Claim naming the banner of a <c>banner_staff</c> token.</summary>
    public const string BannerClaim = "banner";

    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
}

/// <summary>What a token says about its bearer.</summary>
public sealed record TokenRequest(string Subject, string Name, string Role, string? Township, IReadOnlyList<string> Villages, TimeSpan Lifetime, string? Banner = null);

/// <summary>
/// The service's own signing key: from <c>Dongming:Auth:SigningKey</c>, else (embedded mode) from
/// <c>&lt;DataDirectory&gt;/signing.key</c>, created on first use with mode 0600. The server and <c>token issue</c>
/// resolve it the same way.
/// </summary>
public static class SigningKeys
{
    public const string KeyFileName = "signing.key";
    public const string AdminTokenFileName = "admin.token";

    /// <summary>The key, and the file it came from or was written to (null when configured or absent).</summary>
    public static (byte[]? Key, string? File, bool Created) Resolve(AuthOptions auth, DongmingOptions dongming)
    {
        if (auth.SigningKeyBytes() is { } configured) return (configured, null, false);
        if (dongming.IsCluster) return (null, null, false); // cluster mode never writes key files
        var directory = Path.GetFullPath(dongming.DataDirectory);
        CreatePrivateDirectory(directory);
        var path = Path.Combine(directory, KeyFileName);
        if (File.Exists(path)) return (ReadKeyFile(path), path, false);
        var key = RandomNumberGenerator.GetBytes(64);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        WritePrivate(temp, Convert.ToBase64String(key) + "\n");
        try
        {
            File.Move(temp, path, overwrite: false);
            return (key, path, true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the server or a concurrent `token issue`) created it first: use theirs.
            File.Delete(temp);
            return (ReadKeyFile(path), path, false);
        }
    }

    private static byte[] ReadKeyFile(string path)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{path} does not hold a base64 signing key; delete it to create a new one (every issued token becomes invalid)");
        }
        if (key.Length < AuthOptions.MinKeyBytes) throw new InvalidOperationException($"{path} holds a key shorter than {AuthOptions.MinKeyBytes} bytes");
        return key;
    }

    /// <summary>Creates a directory only its owner can enter (0700), e.g. the data directory: it holds the journal, this key and the admin token.</summary>
    public static void CreatePrivateDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Writes a file only its owner can read (0600), replacing it atomically.</summary>
    public static void WritePrivate(string path, string content)
    {
        var temp = path.EndsWith(".tmp", StringComparison.Ordinal) ? path : path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (temp != path) File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Mints the service's own tokens (HS256, issuer/audience from <see cref="AuthOptions"/>).</summary>
public sealed class TokenIssuer(byte[] key, AuthOptions options, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Issue(TokenRequest request)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Roles.SubjectClaim] = request.Subject,
            [Roles.NameClaim] = request.Name,
            [options.RoleClaim] = request.Role,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (!string.IsNullOrEmpty(request.Township)) claims[Roles.TownshipClaim] = request.Township;
        if (!string.IsNullOrEmpty(request.Banner)) claims[Roles.BannerClaim] = request.Banner;
        if (request.Villages.Count == 1) claims[Roles.VillageClaim] = request.Villages[0];
        else if (request.Villages.Count > 1) claims[Roles.VillageClaim] = request.Villages.ToArray();
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = request.Lifetime < TimeSpan.Zero ? now + request.Lifetime - TimeSpan.FromMinutes(1) : now,
            Expires = now + request.Lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The token written to <c>admin.token</c> at start.</summary>
    public string IssueAdmin() => Issue(new TokenRequest("admin", "Administrator", Roles.Admin, null, [], options.TokenLifetime));
}
