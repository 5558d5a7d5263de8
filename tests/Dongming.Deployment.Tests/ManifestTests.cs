using System.Globalization;
using System.Text.Json.Nodes;
using static Dongming.Deployment.Tests.Rendered;

namespace Dongming.Deployment.Tests;

/// <summary>Semantic checks of every rendered overlay (schema validity is k8s/check.sh's job).</summary>
public sealed class ManifestTests
{
    private static readonly Dictionary<string, int> NamedPorts = new(StringComparer.Ordinal)
    {
        ["grpc"] = 5080,
        ["silo"] = 11111,
        ["gateway"] = 30000,
        ["metrics"] = 9464,
        ["dashboard"] = 8080,
    };

    public static TheoryData<string> Overlays => new("dev", "prod");

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Container_DeclaresTheNamedPorts(string overlay)
    {
        var ports = ContainerPorts(Rendered.Of(overlay));

        foreach (var (name, number) in NamedPorts)
        {
            Assert.True(ports.TryGetValue(name, out var actual), $"[{overlay}] container port '{name}' is missing.");
            Assert.Equal(number, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_UseGrpcHealthOnTheGrpcPort(string overlay)
    {
        var r = Rendered.Of(overlay);
        var grpcPort = ContainerPorts(r)["grpc"];
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["startupProbe"] = "readiness",
            ["readinessProbe"] = "readiness",
            ["livenessProbe"] = "liveness",
        };

        foreach (var (probeName, service) in expected)
        {
            var probe = Obj(r.Container[probeName], $"[{overlay}] {probeName}");
            foreach (var other in new[] { "httpGet", "tcpSocket", "exec" })
            {
                Assert.False(probe.ContainsKey(other), $"[{overlay}] {probeName} must be a gRPC probe, not {other}.");
            }

            var grpc = Obj(probe["grpc"], $"[{overlay}] {probeName}.grpc");
            Assert.Equal(grpcPort, Int(grpc["port"], $"[{overlay}] {probeName}.grpc.port"));
            Assert.Equal(5080, grpcPort);
            var actualService = Str(grpc["service"]);
            Assert.True(actualService == service, $"[{overlay}] {probeName} must check health service '{service}', not '{actualService}'.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Liveness_NeverUsesTheReadinessService(string overlay)
    {
        var liveness = Obj(Rendered.Of(overlay).Container["livenessProbe"], "livenessProbe");
        var service = Str(liveness["grpc"]?["service"]);
        Assert.True(service == "liveness", $"[{overlay}] the liveness probe must use the local-only 'liveness' health service, not '{service}'.");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void PortsInTheConfiguration_MatchTheContainerPorts(string overlay)
    {
        var r = Rendered.Of(overlay);
        var ports = ContainerPorts(r);
        var env = EffectiveEnvironment(r);

        Assert.Equal($"http://0.0.0.0:{ports["grpc"]}", env["ASPNETCORE_URLS"]);
        Assert.Equal(ports["silo"].ToString(CultureInfo.InvariantCulture), env["Dongming__Orleans__SiloPort"]);
        Assert.Equal(ports["gateway"].ToString(CultureInfo.InvariantCulture), env["Dongming__Orleans__GatewayPort"]);
        Assert.Equal(ports["metrics"].ToString(CultureInfo.InvariantCulture), env["Dongming__Metrics__Port"]);
        Assert.Equal(ports["dashboard"].ToString(CultureInfo.InvariantCulture), env["Dongming__Dashboard__Port"]);
        Assert.Equal("cluster", env["Dongming__Mode"]);
        Assert.Equal("true", env["Dongming__Dashboard__Enabled"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void PodIdentity_ComesFromTheDownwardApi(string overlay)
    {
        var env = Arr(Rendered.Of(overlay).Container["env"], "env").OfType<JsonObject>().ToList();
        int IndexOf(string name) => env.FindIndex(e => Str(e["name"]) == name);

        foreach (var (name, fieldPath) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP") })
        {
            var index = IndexOf(name);
            Assert.True(index >= 0, $"[{overlay}] env {name} is missing.");
            Assert.Equal(fieldPath, Str(env[index]["valueFrom"]?["fieldRef"]?["fieldPath"]));
        }

        // $(POD_IP) is only expanded when POD_IP is defined earlier in the list.
        var advertised = IndexOf("Dongming__Orleans__AdvertisedAddress");
        Assert.True(advertised > IndexOf("POD_IP"), $"[{overlay}] Dongming__Orleans__AdvertisedAddress must come after POD_IP.");
        Assert.Equal("$(POD_IP)", Str(env[advertised]["value"]));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Pdb_SelectsTheDeploymentPods(string overlay)
    {
        var r = Rendered.Of(overlay);
        var pdb = r.Single("PodDisruptionBudget", "dongming");
        var selector = Map(pdb["spec"]?["selector"]?["matchLabels"]);

        Assert.NotEmpty(selector);
        Assert.Equal(Map(r.Deployment["spec"]?["selector"]?["matchLabels"]), selector);
        AssertSelects(PodLabels(r), selector, $"[{overlay}] PodDisruptionBudget");

        var spec = Obj(pdb["spec"], "PodDisruptionBudget spec");
        var replicas = Int(r.Deployment["spec"]?["replicas"], "replicas");
        if (spec.ContainsKey("maxUnavailable"))
        {
            Assert.InRange(Int(spec["maxUnavailable"], "maxUnavailable"), 1, replicas - 1);
        }
        else
        {
            Assert.InRange(Int(spec["minAvailable"], "minAvailable"), 1, replicas - 1);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Services_SelectThePods_AndTargetNamedPorts(string overlay)
    {
        var r = Rendered.Of(overlay);
        var podLabels = PodLabels(r);
        var ports = ContainerPorts(r);

        foreach (var name in new[] { "dongming", "dongming-headless" })
        {
            var spec = Obj(r.Single("Service", name)["spec"], $"Service {name} spec");
            AssertSelects(podLabels, Map(spec["selector"]), $"[{overlay}] Service {name}");

            var servicePorts = Arr(spec["ports"], $"Service {name} ports").OfType<JsonObject>().ToList();
            foreach (var port in servicePorts)
            {
                var target = Str(port["targetPort"]);
                Assert.True(target is not null && ports.ContainsKey(target), $"[{overlay}] Service {name} targets '{target}', which is not a named container port.");
            }

            var grpc = servicePorts.SingleOrDefault(p => Str(p["name"]) == "grpc");
            Assert.True(grpc is not null, $"[{overlay}] Service {name} has no port named grpc.");
            Assert.Equal(5080, Int(grpc["port"], "grpc port"));
        }

        Assert.Equal("None", Str(r.Single("Service", "dongming-headless")["spec"]?["clusterIP"]));
        Assert.NotEqual("None", Str(r.Single("Service", "dongming")["spec"]?["clusterIP"]));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicy_AdmitsSiloPortsOnlyFromDongmingPods(string overlay)
    {
        var r = Rendered.Of(overlay);
        var podLabels = PodLabels(r);
        var policy = r.Single("NetworkPolicy", "dongming");
        AssertSelects(podLabels, Map(policy["spec"]?["podSelector"]?["matchLabels"]), $"[{overlay}] NetworkPolicy");

        var rules = Arr(policy["spec"]?["ingress"], "ingress").OfType<JsonObject>().ToList();
        foreach (var portName in new[] { "silo", "gateway" })
        {
            var admitting = rules.Where(rule => rule["ports"] is JsonArray ps && ps.Any(p => Str(p?["port"]) == portName)).ToList();
            Assert.Single(admitting);
            var from = Arr(admitting[0]["from"], "from").OfType<JsonObject>().ToList();
            Assert.NotEmpty(from);
            foreach (var peer in from)
            {
                Assert.False(peer.ContainsKey("namespaceSelector") || peer.ContainsKey("ipBlock"), $"[{overlay}] {portName} must only admit Dongming pods.");
                AssertSelects(podLabels, Map(peer["podSelector"]?["matchLabels"]), $"[{overlay}] NetworkPolicy peer for {portName}");
                Assert.NotEmpty(Map(peer["podSelector"]?["matchLabels"]));
            }
        }

        foreach (var portName in new[] { "grpc", "metrics", "dashboard" })
        {
            Assert.Contains(rules, rule => rule["ports"] is JsonArray ps && ps.Any(p => Str(p?["port"]) == portName));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Manifests_OnlySetSettingsTheServerReads(string overlay)
    {
        var r = Rendered.Of(overlay);
        var names = new List<(string Name, string Where)>();
        names.AddRange(Arr(r.Container["env"], "env").Select(e => (Str(e?["name"]) ?? "", "env")));
        foreach (var configMap in r.OfKind("ConfigMap"))
        {
            names.AddRange(Map(configMap["data"]).Keys.Select(k => (k, $"ConfigMap {Str(configMap["metadata"]?["name"])}")));
        }

        foreach (var secret in r.OfKind("Secret"))
        {
            names.AddRange(Map(secret["data"]).Keys.Concat(Map(secret["stringData"]).Keys)
                .Select(k => (k, $"Secret {Str(secret["metadata"]?["name"])}")));
        }

        var unknown = names
            .Where(n => ServerSettings.IsServerSetting(n.Name) && !ServerSettings.Known.Contains(n.Name))
            .Select(n => $"{n.Name} ({n.Where})")
            .ToList();
        Assert.True(unknown.Count == 0, $"[{overlay}] settings the server does not read: {string.Join(", ", unknown)}");

        // Secrets never leak into the ConfigMap or plain env values.
        var config = Map(r.Generated("ConfigMap", "dongming-config")?["data"]);
        foreach (var key in ServerSettings.SecretKeys)
        {
            Assert.False(config.ContainsKey(key), $"[{overlay}] {key} must come from the Secret, not the ConfigMap.");
            Assert.DoesNotContain(Arr(r.Container["env"], "env"), e => Str(e?["name"]) == key);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Configuration_ComesFromTheConfigMapAndTheSecret(string overlay)
    {
        var r = Rendered.Of(overlay);
        var envFrom = Arr(r.Container["envFrom"], "envFrom").OfType<JsonObject>().ToList();
        var configMapRef = envFrom.Select(e => Str(e["configMapRef"]?["name"])).Single(n => n is not null);
        var secretRef = envFrom.Select(e => Str(e["secretRef"]?["name"])).Single(n => n is not null);

        var configMap = r.Generated("ConfigMap", "dongming-config");
        Assert.True(configMap is not null, $"[{overlay}] ConfigMap dongming-config is missing.");
        Assert.Equal(Str(configMap["metadata"]?["name"]), configMapRef);

        var secret = r.Generated("Secret", "dongming-secrets");
        if (overlay == "prod")
        {
            // Created by the operator beforehand; never rendered (and never hash-suffixed).
            Assert.Null(secret);
            Assert.Equal("dongming-secrets", secretRef);
        }
        else
        {
            Assert.True(secret is not null, $"[{overlay}] Secret dongming-secrets is missing.");
            Assert.Equal(Str(secret["metadata"]?["name"]), secretRef);
            var keys = Map(secret["data"]).Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var key in ServerSettings.SecretKeys)
            {
                Assert.Contains(key, keys);
            }

            // Secret data is base64 of the setting, and the setting is itself base64 of the key bytes.
            var setting = System.Text.Encoding.UTF8.GetString(
                Convert.FromBase64String(Map(secret["data"])["Dongming__Auth__SigningKey"].Replace("\n", "", StringComparison.Ordinal)));
            Assert.True(Convert.FromBase64String(setting).Length >= 32, $"[{overlay}] Dongming__Auth__SigningKey must be base64 of at least 32 bytes.");
        }
    }

    [Theory]
    [InlineData("dev", "true")]
    [InlineData("prod", "false")]
    public void Demo_load_depends_on_the_overlay(string overlay, string expected)
    {
        Assert.Equal(expected, EffectiveEnvironment(Rendered.Of(overlay))["Dongming__Demo__Load"]);
    }

    [Fact]
    public void Prod_PinsTheImageTag()
    {
        var image = Str(Rendered.Of("prod").Container["image"]) ?? "";
        var colon = image.LastIndexOf(':');
        Assert.True(colon > image.LastIndexOf('/'), $"prod image '{image}' has no tag.");
        Assert.NotEqual("latest", image[(colon + 1)..]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Shutdown_FitsInTheTerminationGracePeriod(string overlay)
    {
        var r = Rendered.Of(overlay);
        var grace = TimeSpan.FromSeconds(Int(r.PodSpec["terminationGracePeriodSeconds"], "terminationGracePeriodSeconds"));
        var shutdown = TimeSpan.Parse(EffectiveEnvironment(r)["HostOptions__ShutdownTimeout"], CultureInfo.InvariantCulture);

        var preStop = TimeSpan.Zero;
        var command = r.Container["lifecycle"]?["preStop"]?["exec"]?["command"] as JsonArray;
        if (command is { Count: 2 } && Str(command[0]) == "sleep")
        {
            preStop = TimeSpan.FromSeconds(Int(command[1], "preStop sleep"));
        }

        Assert.True(grace > shutdown + preStop, $"[{overlay}] terminationGracePeriodSeconds ({grace}) must exceed HostOptions__ShutdownTimeout ({shutdown}) + preStop ({preStop}).");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Pod_IsHardened(string overlay)
    {
        var r = Rendered.Of(overlay);
        var pod = r.PodSpec;
        var container = Obj(r.Container["securityContext"], "container securityContext");
        var podSecurity = Obj(pod["securityContext"], "pod securityContext");

        Assert.Equal("true", Str(container["readOnlyRootFilesystem"]));
        Assert.Equal("false", Str(container["allowPrivilegeEscalation"]));
        Assert.Equal("true", Str(podSecurity["runAsNonRoot"]));
        Assert.Equal("RuntimeDefault", Str(podSecurity["seccompProfile"]?["type"]));
        Assert.Contains(Arr(container["capabilities"]?["drop"], "capabilities.drop"), c => Str(c) == "ALL");

        Assert.Equal("false", Str(pod["automountServiceAccountToken"]));
        Assert.Equal("dongming", Str(pod["serviceAccountName"]));
        Assert.Equal("false", Str(r.Single("ServiceAccount", "dongming")["automountServiceAccountToken"]));

        // The only writable path is the /tmp emptyDir, and the data directory lives there.
        var mount = Arr(r.Container["volumeMounts"], "volumeMounts").OfType<JsonObject>().Single(m => Str(m["mountPath"]) == "/tmp");
        var volume = Arr(pod["volumes"], "volumes").OfType<JsonObject>().Single(v => Str(v["name"]) == Str(mount["name"]));
        Assert.True(volume.ContainsKey("emptyDir"), $"[{overlay}] /tmp must be an emptyDir.");
        Assert.StartsWith("/tmp/", EffectiveEnvironment(r)["Dongming__DataDirectory"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void RollingUpdate_NeverReducesCapacity(string overlay)
    {
        var spec = Obj(Rendered.Of(overlay).Deployment["spec"], "Deployment spec");
        Assert.Equal("RollingUpdate", Str(spec["strategy"]?["type"]));
        Assert.Equal("0", Str(spec["strategy"]?["rollingUpdate"]?["maxUnavailable"]));
        Assert.True(Int(spec["strategy"]?["rollingUpdate"]?["maxSurge"], "maxSurge") >= 1);
        Assert.True(Int(spec["replicas"], "replicas") >= 3, $"[{overlay}] run at least 3 silos.");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Pod_RunsAsTheDockerfileUser(string overlay)
    {
        var r = Rendered.Of(overlay);
        var dockerfile = File.ReadAllLines(Repo.PathOf("Dockerfile")).Select(l => l.Trim()).ToList();

        // USER $APP_UID in mcr.microsoft.com/dotnet/aspnet is UID 1654.
        var user = dockerfile.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
        var uid = user == "$APP_UID" ? "1654" : user;
        Assert.Equal(uid, Str(r.PodSpec["securityContext"]?["runAsUser"]));
        Assert.Equal(uid, Str(r.Container["securityContext"]?["runAsUser"]) ?? uid);

        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Dongming.Server.dll\"]", dockerfile);
        var exposed = dockerfile.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))
            .SelectMany(l => l["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var port in NamedPorts.Values)
        {
            Assert.Contains(port.ToString(CultureInfo.InvariantCulture), exposed);
        }
    }

    private static Dictionary<string, int> ContainerPorts(Rendered r) =>
        Arr(r.Container["ports"], "ports").OfType<JsonObject>()
            .ToDictionary(p => Str(p["name"]) ?? "", p => Int(p["containerPort"], "containerPort"), StringComparer.Ordinal);

    private static Dictionary<string, string> PodLabels(Rendered r) => Map(r.Deployment["spec"]?["template"]?["metadata"]?["labels"]);

    /// <summary>ConfigMap values overlaid with plain env values (what the process sees, secrets aside).</summary>
    private static Dictionary<string, string> EffectiveEnvironment(Rendered r)
    {
        var configMap = r.Generated("ConfigMap", "dongming-config");
        Assert.True(configMap is not null, $"[{r.Overlay}] ConfigMap dongming-config is missing.");
        var env = Map(configMap["data"]);
        foreach (var e in Arr(r.Container["env"], "env").OfType<JsonObject>())
        {
            if (Str(e["value"]) is { } value)
            {
                env[Str(e["name"])!] = value;
            }
        }

        return env;
    }

    private static void AssertSelects(Dictionary<string, string> podLabels, Dictionary<string, string> selector, string what)
    {
        Assert.True(selector.Count > 0, $"{what}: empty selector.");
        foreach (var (key, value) in selector)
        {
            Assert.True(
                podLabels.TryGetValue(key, out var actual) && actual == value,
                $"{what}: selector {key}={value} does not match the pod template labels.");
        }
    }
}
