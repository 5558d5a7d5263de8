using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Dongming.Grains.Abstractions;

/// <summary>
/// Ids of imports: what is imported, where, and the file's content hash (the first 24 hex digits of its SHA-256) — the
/// same file gives the same id, so a re-sent file finds its import. Values: <c>values/{township}/{hash}[/{period}]</c>
/// (the default period is part of what the file means); cases: <c>cases/{township}/{hash}</c>; roster and catalog:
/// <c>roster/{hash}</c>, <c>catalog/{hash}</c>.
/// </summary>
public static partial class ImportIds
{
    /// <summary>Hex digits of the content hash in an id.</summary>
    public const int HashLength = 24;

    /// <summary>SHA-256 of a file's content, lower-case hex.</summary>
    public static string Sha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Values(string townshipId, string sha256, string? period) =>
        $"values/{townshipId}/{sha256[..HashLength]}{(string.IsNullOrEmpty(period) ? string.Empty : "/" + period)}";

    public static string Cases(string townshipId, string sha256) => $"cases/{townshipId}/{sha256[..HashLength]}";

    public static string Roster(string sha256) => $"roster/{sha256[..HashLength]}";

    public static string Catalog(string sha256) => $"catalog/{sha256[..HashLength]}";

    /// <summary>True when <paramref name="importId"/> has the shape of an id made here.</summary>
    public static bool IsImportId(string? importId) => importId is not null && importId.Length <= 128 && IdPattern().IsMatch(importId);

    /// <summary>The township of a values or cases import id; null for the roster's and catalog's (and malformed ids).</summary>
    public static string? TownshipOf(string? importId) =>
        IsImportId(importId) && importId!.Split('/') is [("values" or "cases"), var township, ..] ? township : null;

    /// <summary>A short hash of an import id: the prefix of the request ids of its writes.</summary>
    public static string WritePrefix(string importId) => "import-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(importId)), 0, 8);

    [GeneratedRegex("^((values/[a-z][a-z0-9-]{1,63}/[0-9a-f]{24}(/[0-9A-Za-z-]{4,7})?)|(cases/[a-z][a-z0-9-]{1,63}/[0-9a-f]{24})|((roster|catalog)/[0-9a-f]{24}))\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
