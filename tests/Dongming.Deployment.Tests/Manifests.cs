using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Dongming.Deployment.Tests;

/// <summary>Locates the repository and renders the kustomize overlays.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dongming.sln")) && Directory.Exists(Path.Combine(dir.FullName, "k8s")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Repository root (Dongming.sln + k8s/) not found above {AppContext.BaseDirectory}.");
    }
}

/// <summary>One rendered overlay: every document as a <see cref="JsonObject"/> (YAML scalars are strings).</summary>
internal sealed class Rendered
{
    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new(StringComparer.Ordinal);

    private Rendered(string overlay, IReadOnlyList<JsonObject> documents)
    {
        Overlay = overlay;
        Documents = documents;
    }

    public string Overlay { get; }

    public IReadOnlyList<JsonObject> Documents { get; }

    /// <summary>Renders <c>k8s/overlays/{overlay}</c>; skips the test when kubectl is not installed.</summary>
    public static Rendered Of(string overlay)
    {
        var kubectl = FindOnPath("kubectl");
        if (kubectl is null)
        {
            Assert.Skip("kubectl is not on PATH: cannot render the kustomize overlays (install kubectl to run these checks).");
        }

        return Cache.GetOrAdd(overlay, o => new Lazy<Rendered>(() => RenderWith(kubectl, o))).Value;
    }

    public IEnumerable<JsonObject> OfKind(string kind) =>
        Documents.Where(d => string.Equals(Str(d["kind"]), kind, StringComparison.Ordinal));

    public JsonObject Single(string kind, string name)
    {
        var matches = OfKind(kind).Where(d => string.Equals(Str(d["metadata"]?["name"]), name, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"[{Overlay}] expected exactly one {kind} named '{name}', found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The (generated, hash-suffixed) object that <paramref name="baseName"/> was turned into.</summary>
    public JsonObject? Generated(string kind, string baseName) =>
        OfKind(kind).SingleOrDefault(d =>
        {
            var name = Str(d["metadata"]?["name"]) ?? "";
            return name == baseName || (name.StartsWith(baseName + "-", StringComparison.Ordinal) && name.Length == baseName.Length + 11);
        });

    public JsonObject Deployment => Single("Deployment", "dongming");

    public JsonObject PodSpec => Obj(Deployment["spec"]?["template"]?["spec"], "Deployment pod spec");

    public JsonObject Container =>
        Obj(Arr(PodSpec["containers"], "containers").OfType<JsonObject>().SingleOrDefault(c => Str(c["name"]) == "dongming"), "container 'dongming'");

    public static string? Str(JsonNode? node) => node?.GetValue<string>();

    public static int Int(JsonNode? node, string what)
    {
        var text = Str(node);
        var ok = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value);
        Assert.True(ok, $"{what}: expected an integer, got '{text ?? "<missing>"}'.");
        return value;
    }

    public static JsonObject Obj(JsonNode? node, string what)
    {
        Assert.True(node is JsonObject, $"{what}: expected a mapping.");
        return (JsonObject)node!;
    }

    public static JsonArray Arr(JsonNode? node, string what)
    {
        Assert.True(node is JsonArray, $"{what}: expected a sequence.");
        return (JsonArray)node!;
    }

    /// <summary>String map (labels, selectors, ConfigMap data).</summary>
    public static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject o
            ? o.ToDictionary(p => p.Key, p => Str(p.Value) ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static Rendered RenderWith(string kubectl, string overlay)
    {
        var dir = Repo.PathOf("k8s", "overlays", overlay);
        Assert.True(Directory.Exists(dir), $"Overlay directory {dir} does not exist.");
        var psi = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(dir);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("kubectl did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {dir} did not finish in 120 s.");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {dir} failed ({process.ExitCode}): {stderr.Result}");

        var stream = new YamlStream();
        using (var reader = new StringReader(stdout.Result))
        {
            stream.Load(reader);
        }

        var documents = stream.Documents
            .Select(d => ToJson(d.RootNode))
            .OfType<JsonObject>()
            .ToList();
        Assert.NotEmpty(documents);
        return new Rendered(overlay, documents);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static string? FindOnPath(string tool)
    {
        var names = OperatingSystem.IsWindows() ? new[] { tool + ".exe", tool } : new[] { tool };
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
