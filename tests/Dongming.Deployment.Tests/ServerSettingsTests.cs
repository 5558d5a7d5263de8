using System.Text.RegularExpressions;

namespace Dongming.Deployment.Tests;

/// <summary>
/// The settings the manifests set (<see cref="ServerSettings.Known"/>) must actually be read by the server:
/// each one has to appear in the C# sources under <c>src/</c>, in configuration-key form (<c>__</c> → <c>:</c>).
/// </summary>
public sealed partial class ServerSettingsTests
{
    /// <summary>
    /// A key <c>A:B:C</c> counts as read when the sources contain
    /// <list type="bullet">
    /// <item>the string literal <c>"A:B:C"</c> (any case, as .NET configuration is case-insensitive), or</item>
    /// <item>a section literal <c>"A"</c> or <c>"A:B"</c> and the remaining segments as identifiers
    /// (an options class bound to that section with properties <c>B</c>/<c>C</c>), or</item>
    /// <item>for <c>ConnectionStrings:X</c>: <c>GetConnectionString("X")</c>.</item>
    /// </list>
    /// </summary>
    [Fact]
    public void EveryKnownSetting_IsReadByTheServer()
    {
        Assert.NotEmpty(SourceFiles(Repo.PathOf("src", "Dongming.Server")));
        var sources = SourceFiles(Repo.PathOf("src")).Select(File.ReadAllText).ToList();
        var literals = sources.SelectMany(s => StringLiteral().Matches(s).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var identifiers = sources.SelectMany(s => Identifier().Matches(s).Select(m => m.Value))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var all = string.Join('\n', sources);

        var missing = ServerSettings.Known
            .Select(ServerSettings.ToConfigKey)
            .Where(key => !IsRead(key, literals, identifiers, all))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(
            missing.Count == 0,
            $"Settings set by k8s/ but not found in src/ (as a configuration key or section + option property): {string.Join(", ", missing)}");
    }

    [Fact]
    public void KnownSettings_AreDocumentedInTheKubernetesReadme()
    {
        var readme = File.ReadAllText(Repo.PathOf("k8s", "README.md"));
        var undocumented = ServerSettings.Known.Where(name => !readme.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, $"k8s/README.md does not mention: {string.Join(", ", undocumented)}");
    }

    private static bool IsRead(string key, HashSet<string> literals, HashSet<string> identifiers, string sources)
    {
        if (literals.Contains(key))
        {
            return true;
        }

        var segments = key.Split(':');
        if (segments[0] == "ConnectionStrings"
            && Regex.IsMatch(sources, $@"GetConnectionString\(\s*""{Regex.Escape(segments[1])}""\s*\)", RegexOptions.IgnoreCase))
        {
            return true;
        }

        for (var k = 1; k < segments.Length; k++)
        {
            if (literals.Contains(string.Join(':', segments[..k])) && segments[k..].All(identifiers.Contains))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> SourceFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
            {
                var parts = Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
                return !parts.Contains("bin") && !parts.Contains("obj");
            })
            .ToList();

    [GeneratedRegex("\"((?:[^\"\\\\\\r\\n]|\\\\.)*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\b")]
    private static partial Regex Identifier();
}
