using Dongming.Domain;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Security;

/// <summary>
/// <c>token issue --role ROLE [--village ID]... [--township ID] [--subject S] [--name N] [--days D]</c>: prints one
/// token on stdout (diagnostics on stderr) signed with the key the server would use — the same configuration
/// sources, so <c>--Dongming:DataDirectory=…</c> or <c>Dongming__Auth__SigningKey</c> work as for the server.
/// </summary>
public static class TokenCommand
{
    private const string Usage = """
        usage: token issue --role admin|township_staff|village_reporter|viewer
                           [--village ID]... (village_reporter: required, one or more)
                           [--township ID]   (township_staff: required)
                           [--subject ID] [--name "display name"] [--days N]
                           [configuration, e.g. --Dongming:DataDirectory=/srv/dongming]
        """;

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args.Length == 0 || args[0] != "issue")
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        string? role = null, township = null, subject = null, name = null;
        double? days = null;
        var villages = new List<string>();
        var configArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            string Value()
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
                return args[++i];
            }
            try
            {
                switch (args[i])
                {
                    case "--role": role = Value(); break;
                    case "--village": villages.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                    case "--township": township = Value(); break;
                    case "--subject": subject = Value(); break;
                    case "--name": name = Value(); break;
                    case "--days":
                        var text = Value();
                        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) || d <= 0 || d > 3660)
                            throw new ArgumentException("--days must be a positive number of days (at most 3660)");
                        days = d;
                        break;
                    case "-h" or "--help":
                        stderr.WriteLine(Usage);
                        return 0;
                    default: configArgs.Add(args[i]); break;
                }
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine(e.Message);
                return 2;
            }
        }

        var problems = new List<string>();
        if (role is null || !Roles.All.Contains(role)) problems.Add($"--role must be one of {string.Join(", ", Roles.All)}");
        if (role == Roles.VillageReporter && villages.Count == 0) problems.Add("--village is required for village_reporter (repeat it for several villages)");
        if (role == Roles.TownshipStaff && string.IsNullOrEmpty(township)) problems.Add("--township is required for township_staff");
        foreach (var v in villages.Where(v => !Text.IsOrgUnitId(v))) problems.Add($"--village {v} is not a village id (a-z, 0-9, '-')");
        if (township is not null && !Text.IsOrgUnitId(township)) problems.Add($"--township {township} is not a township id");
        subject ??= role switch
        {
            Roles.VillageReporter => "reporter-" + string.Join('-', villages),
            Roles.TownshipStaff => "staff-" + township,
            _ => role,
        };
        if (subject is null || subject.Length is 0 or > 128 || !Text.IsCleanText(subject, false)) problems.Add("--subject must be 1..128 characters without control characters");
        if (name is not null && (name.Length > 128 || !Text.IsCleanText(name, false))) problems.Add("--name must be at most 128 characters without control characters");
        if (problems.Count > 0)
        {
            foreach (var p in problems) stderr.WriteLine(p);
            stderr.WriteLine(Usage);
            return 2;
        }

        try
        {
            // The server's configuration sources (appsettings*.json, environment, command line), without starting anything.
            var configuration = WebApplication.CreateBuilder([.. configArgs]).Configuration;
            var (auth, dongming) = AuthOptions.Read(configuration);
            var (key, keyFile, created) = SigningKeys.Resolve(auth, dongming);
            if (key is null)
            {
                stderr.WriteLine("no signing key: set Dongming:Auth:SigningKey (cluster mode writes no key file; tokens of an external authority come from that authority)");
                return 1;
            }
            if (created) stderr.WriteLine($"created the signing key {keyFile}");
            var lifetime = days is { } n ? TimeSpan.FromDays(n) : auth.TokenLifetime;
            var token = new TokenIssuer(key, auth).Issue(new TokenRequest(subject!, name ?? subject!, role!, township, villages.Distinct(StringComparer.Ordinal).ToList(), lifetime));
            stderr.WriteLine($"token for {subject} ({role}{(township is null ? "" : " of " + township)}{(villages.Count == 0 ? "" : " for " + string.Join(",", villages))}), valid until {DateTimeOffset.UtcNow + lifetime:yyyy-MM-dd HH:mm} UTC, signed with {keyFile ?? "Dongming:Auth:SigningKey"}");
            stdout.WriteLine(token);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            foreach (var f in e.Failures) stderr.WriteLine(f);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            stderr.WriteLine(e.Message);
            return 1;
        }
    }
}
