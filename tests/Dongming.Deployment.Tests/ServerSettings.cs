namespace Dongming.Deployment.Tests;

/// <summary>The configuration keys (environment-variable form) that the server reads.</summary>
internal static class ServerSettings
{
    /// <summary>
    /// Every <c>Dongming__*</c> / <c>ConnectionStrings__*</c> setting the server reads. A manifest that sets
    /// anything else under those prefixes has a typo (the server would silently ignore it). Keep in sync with
    /// the server and k8s/README.md.
    /// </summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "ConnectionStrings__Journal",
        "ConnectionStrings__Redis",
        "Dongming__Mode",
        "Dongming__Orleans__ClusterId",
        "Dongming__Orleans__ServiceId",
        "Dongming__Orleans__AdvertisedAddress",
        "Dongming__Orleans__SiloPort",
        "Dongming__Orleans__GatewayPort",
        "Dongming__Auth__SigningKey",
        "Dongming__Metrics__Port",
        "Dongming__Http__Port",
        "Dongming__Dashboard__Enabled",
        "Dongming__Dashboard__Port",
        "Dongming__Demo__Load",
        "Dongming__DataDirectory",
    };

    /// <summary>Keys that only the Secret may carry (never a ConfigMap or a plain env value).</summary>
    public static readonly IReadOnlyList<string> SecretKeys =
    [
        "ConnectionStrings__Journal",
        "ConnectionStrings__Redis",
        "Dongming__Auth__SigningKey",
    ];

    /// <summary>Whether a name belongs to the server's own settings (vs. ASP.NET Core / OTel / host ones).</summary>
    public static bool IsServerSetting(string name) =>
        name.StartsWith("Dongming__", StringComparison.Ordinal) || name.StartsWith("ConnectionStrings__", StringComparison.Ordinal);

    /// <summary>The configuration key form: <c>Dongming__Orleans__SiloPort</c> → <c>Dongming:Orleans:SiloPort</c>.</summary>
    public static string ToConfigKey(string envName) => envName.Replace("__", ":", StringComparison.Ordinal);
}
