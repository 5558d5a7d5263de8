using System.CommandLine;
using System.Text.Json;
using Dongming.Domain;
using Dongming.Grains;
using Dongming.Grains.Abstractions;
using Dongming.Server.Settings;
using Dongming.Storage;
using Dongming.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Security;

/// <summary>
/// <c>token issue --role ROLE [--village ID]... [--township ID] [--banner ID] [--subject S] [--name N] [--days D]</c>: prints one
/// token on stdout (diagnostics on stderr) signed with the key the server would use — the same configuration
/// sources, so <c>--Dongming:DataDirectory=…</c> or <c>Dongming__Auth__SigningKey</c> work as for the server.
/// Parsed with System.CommandLine: an unknown option or setting is an error, <c>--help</c> describes every option.
/// </summary>
public static class TokenCommand
{
    /// <summary>The settings <c>token issue</c> reads (any other <c>--Key:Name</c> is a typo).</summary>
    private static readonly string[] Settings =
    [
        "Dongming:DataDirectory", "Dongming:Mode",
        .. typeof(AuthOptions).GetProperties().Where(p => p.CanWrite).Select(p => AuthOptions.Section + ":" + p.Name),
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var role = new Option<string>("--role") { Description = "admin, township_staff, village_reporter, viewer or banner_staff", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var villages = new Option<string[]>("--village") { Description = "a village of a village_reporter (repeat for several, or comma-separated); required for that role", HelpName = "ID" };
        var township = new Option<string?>("--township") { Description = "the township of a township_staff (required for that role)", HelpName = "ID" };
        var banner = new Option<string?>("--banner") { Description = "the banner of a banner_staff (required for that role)", HelpName = "ID" };
        var subject = new Option<string?>("--subject") { Description = "the audit trail's actor (default: the role, scope and a random suffix, unique per token)", HelpName = "ID" };
        var name = new Option<string?>("--name") { Description = "display name of the actor (default: the subject)" };
        var days = new Option<double?>("--days") { Description = "lifetime in days (default: Dongming:Auth:TokenLifetime)", HelpName = "N" };
        var issue = new Command("issue", "Print one bearer token signed with the server's key. Settings as for the server, e.g. --Dongming:DataDirectory=/srv/dongming.")
        {
            role, villages, township, banner, subject, name, days,
        };
        issue.TreatUnmatchedTokensAsErrors = false; // the settings; checked against the ones token issue reads
        var root = new RootCommand("Mint bearer tokens for the Dongming service.") { issue };
        var exit = 0;
        issue.SetAction(async (result, cancellationToken) =>
        {
            exit = await IssueAsync(new Request(result.GetValue(role)!, [.. (result.GetValue(villages) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                result.GetValue(township), result.GetValue(subject), result.GetValue(name), result.GetValue(days), [.. result.UnmatchedTokens], result.GetValue(banner)), stdout, stderr, cancellationToken);
            return exit;
        });
        var parsed = root.Parse(args);
        var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return code != 0 ? code : exit;
    }

    private sealed record Request(string Role, IReadOnlyList<string> Villages, string? Township, string? Subject, string? Name, double? Days, IReadOnlyList<string> Unmatched, string? Banner = null);

    private static async Task<int> IssueAsync(Request r, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var configArgs = SettingArguments(r.Unmatched, problems);
        if (r.Role == Roles.VillageReporter && r.Villages.Count == 0) problems.Add("--village is required for village_reporter (repeat it for several villages)");
        if (r.Role == Roles.TownshipStaff && string.IsNullOrEmpty(r.Township)) problems.Add("--township is required for township_staff");
        if (r.Role != Roles.TownshipStaff && r.Township is not null) problems.Add($"--township is only for township_staff (a {r.Role} token carries no township)");
        if (r.Role == Roles.BannerStaff && string.IsNullOrEmpty(r.Banner)) problems.Add("--banner is required for banner_staff");
        if (r.Role != Roles.BannerStaff && r.Banner is not null) problems.Add($"--banner is only for banner_staff (a {r.Role} token carries no banner)");
        if (r.Banner is not null && !Text.IsOrgUnitId(r.Banner)) problems.Add($"--banner {r.Banner} is not a banner id");
        if (r.Role != Roles.VillageReporter && r.Villages.Count > 0) problems.Add($"--village is only for village_reporter (a {r.Role} token carries no villages)");
        foreach (var v in r.Villages.Where(v => !Text.IsOrgUnitId(v))) problems.Add($"--village {v} is not a village id (a-z, 0-9, '-')");
        if (r.Township is not null && !Text.IsOrgUnitId(r.Township)) problems.Add($"--township {r.Township} is not a township id");
        if (r.Days is { } d && (d <= 0 || d > 3660)) problems.Add("--days must be a positive number of days (at most 3660)");
        var subject = r.Subject ?? UniqueSubject(r);
        if (subject.Length is 0 or > 128 || !Text.IsCleanText(subject, false)) problems.Add("--subject must be 1..128 characters without control characters");
        if (r.Name is not null && (r.Name.Length > 128 || !Text.IsCleanText(r.Name, false))) problems.Add("--name must be at most 128 characters without control characters");
        if (problems.Count > 0)
        {
            foreach (var p in problems) await stderr.WriteLineAsync(p);
            await stderr.WriteLineAsync("see: token issue --help");
            return 2;
        }

        try
        {
            // The server's configuration sources (appsettings*.json, environment, command line), without starting anything.
            var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. configArgs], ContentRootPath = AppContext.BaseDirectory }).Configuration;
            var (auth, dongming) = AuthOptions.Read(configuration);
            var unknown = await UnknownOrgUnitsAsync(r, dongming, stderr, cancellationToken);
            if (unknown.Count > 0)
            {
                foreach (var u in unknown) await stderr.WriteLineAsync(u);
                return 2;
            }
            var (key, keyFile, created) = SigningKeys.Resolve(auth, dongming);
            if (key is null)
            {
                await stderr.WriteLineAsync("no signing key: set Dongming:Auth:SigningKey (cluster mode writes no key file; tokens of an external authority come from that authority)");
                return 1;
            }
            if (created) await stderr.WriteLineAsync($"created the signing key {keyFile}");
            var lifetime = r.Days is { } n ? TimeSpan.FromDays(n) : auth.TokenLifetime;
            var token = new TokenIssuer(key, auth).Issue(new TokenRequest(subject, r.Name ?? subject, r.Role, r.Township, r.Villages.Distinct(StringComparer.Ordinal).ToList(), lifetime, r.Banner));
            await stderr.WriteLineAsync($"token for {subject} ({r.Role}{(r.Township is null ? "" : " of " + r.Township)}{(r.Banner is null ? "" : " of banner " + r.Banner)}{(r.Villages.Count == 0 ? "" : " for " + string.Join(",", r.Villages))}), valid until {DateTimeOffset.UtcNow + lifetime:yyyy-MM-dd HH:mm} UTC, signed with {keyFile ?? "Dongming:Auth:SigningKey"}");
            await stdout.WriteLineAsync(token);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            foreach (var f in e.Failures) await stderr.WriteLineAsync(f);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or JournalException)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>The role, its scope and a random suffix: every token names a different actor in the audit trail.</summary>
    private static string UniqueSubject(Request r)
    {
        var scope = r.Role switch
        {
            Roles.VillageReporter => "reporter-" + string.Join('-', r.Villages),
            Roles.TownshipStaff => "staff-" + r.Township,
            Roles.BannerStaff => "banner-" + r.Banner,
            _ => r.Role,
        };
        if (scope.Length > 110) scope = scope[..110];
        return scope + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    }

    /// <summary>The unmatched tokens as configuration arguments; anything that is not a setting token issue reads is a problem.</summary>
    private static List<string> SettingArguments(IReadOnlyList<string> tokens, List<string> problems)
    {
        var args = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var key = token.StartsWith("--", StringComparison.Ordinal) ? token[2..].Split('=', 2)[0] : null;
            if (key is null || !key.Contains(':', StringComparison.Ordinal))
            {
                problems.Add($"unknown option or argument {token}");
                continue;
            }
            if (!Settings.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"unknown setting {key} (token issue reads {string.Join(", ", Settings)})");
                if (!token.Contains('=', StringComparison.Ordinal) && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal)) i++;
                continue;
            }
            args.Add(token);
            if (!token.Contains('=', StringComparison.Ordinal) && i + 1 < tokens.Count) args.Add(tokens[++i]);
        }
        return args;
    }

    /// <summary>
    /// The named villages and township that the roster does not hold. Embedded mode reads the roster from the
    /// journal of the data directory (the server's own, safe while it runs: SQLite in WAL mode); cluster mode
    /// cannot check (the roster is in PostgreSQL, reached by the silos only) and says so.
    /// </summary>
    private static async Task<List<string>> UnknownOrgUnitsAsync(Request r, DongmingOptions dongming, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (r.Villages.Count == 0 && r.Township is null && r.Banner is null) return [];
        if (dongming.IsCluster)
        {
            await stderr.WriteLineAsync("cluster mode: the roster is in PostgreSQL, so the villages and township named are not checked");
            return [];
        }
        var journal = Path.Combine(Path.GetFullPath(dongming.DataDirectory), "dongming.db");
        if (!File.Exists(journal) || new FileInfo(journal).Length == 0)
        {
            await stderr.WriteLineAsync($"no journal in {Path.GetDirectoryName(journal)} yet, so the villages and township named are not checked");
            return [];
        }
        var store = new SqliteJournalStore(new SqliteJournalOptions { DatabasePath = journal, CreateIfMissing = false });
        await using (store)
        {
            var roster = await ReadRosterAsync(store, cancellationToken);
            var unknown = new List<string>();
            foreach (var v in r.Villages.Where(v => !roster.Villages.ContainsKey(v))) unknown.Add($"--village {v}: no such village in {journal}");
            if (r.Township is not null && !roster.Townships.ContainsKey(r.Township)) unknown.Add($"--township {r.Township}: no such township in {journal}");
            if (r.Banner is not null && !await BannerExistsAsync(store, r.Banner, cancellationToken)) unknown.Add($"--banner {r.Banner}: no such banner in {journal}");
            return unknown;
        }
    }

    /// <summary>
    /// The townships and villages registered, from the roster's events (the stream is short: one event per
    /// registration; its snapshots are the roster grain's business and are not read here).
    /// </summary>
    private static async Task<RosterState> ReadRosterAsync(IJournalStore store, CancellationToken cancellationToken)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var state = new RosterState();
        await foreach (var e in store.ReadAsync(GrainKeys.Roster, 0, cancellationToken))
        {
            switch (JsonSerializer.Deserialize<DirectoryEvent>(e.Payload, json))
            {
                case TownshipRegistered t: state.Townships[t.Township.TownshipId] = t.Township; break;
                case VillageRegistered v: state.Villages[v.Village.VillageId] = v.Village; break;
            }
        }
        return state;
    }

    /// <summary>Whether the banner directory's events register <paramref name="bannerId"/>.</summary>
    private static async Task<bool> BannerExistsAsync(IJournalStore store, string bannerId, CancellationToken cancellationToken)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        await foreach (var e in store.ReadAsync(BannerKeys.Directory, 0, cancellationToken))
        {
            if (JsonSerializer.Deserialize<BannerEvent>(e.Payload, json) is BannerRegistered b && b.BannerId == bannerId) return true;
        }
        return false;
    }
}
