using Dongming.Contracts.V1;

namespace Dongming.Cli.Commands;

/// <summary>Enum values as typed on the command line (rectifying, 整改中, CASE_STATUS_RECTIFYING) and as shown.</summary>
internal static class Words
{
    private static readonly (CaseStatus Status, string Word, string Zh)[] Statuses =
    [
        (CaseStatus.Reported, "reported", "发现"),
        (CaseStatus.Investigating, "investigating", "查处"),
        (CaseStatus.Rectifying, "rectifying", "整改中"),
        (CaseStatus.Rectified, "rectified", "已整改"),
        (CaseStatus.Closed, "closed", "销号"),
        (CaseStatus.Controlled, "controlled", "封控"),
        (CaseStatus.Transferred, "transferred", "诉仲"),
        (CaseStatus.Reopened, "reopened", "重新办理"),
    ];

    public static string StatusWords => string.Join(", ", Statuses.Select(s => s.Word));

    public static CaseStatus Status(string text, string option)
    {
        var t = text.Trim();
        foreach (var (status, word, zh) in Statuses)
        {
            if (string.Equals(t, word, StringComparison.OrdinalIgnoreCase) || t == zh
                || string.Equals(t, "CASE_STATUS_" + word, StringComparison.OrdinalIgnoreCase)) return status;
        }
        throw new UsageException($"{option} {text}: not a case status ({StatusWords})");
    }

    public static string Show(CaseStatus status)
    {
        foreach (var (s, word, zh) in Statuses)
        {
            if (s == status) return $"{word} {zh}";
        }
        return status.ToString();
    }

    private static readonly (CaseSource Source, string Word)[] Sources =
    [
        (CaseSource.AssignedFromAbove, "assigned"),
        (CaseSource.Screening, "screening"),
        (CaseSource.Hotline, "hotline"),
        (CaseSource.Inspection, "inspection"),
    ];

    public static string SourceWords => string.Join(", ", Sources.Select(s => s.Word));

    public static CaseSource Source(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return CaseSource.Unspecified;
        foreach (var (source, word) in Sources)
        {
            if (string.Equals(text.Trim(), word, StringComparison.OrdinalIgnoreCase)
                || string.Equals(text.Trim(), "CASE_SOURCE_" + source.ToString(), StringComparison.OrdinalIgnoreCase)) return source;
        }
        throw new UsageException($"--source {text}: not a case source ({SourceWords})");
    }

    public static string Show(CaseSource source) => Sources.FirstOrDefault(s => s.Source == source).Word ?? "";

    public static string Show(VillageKind kind) => kind switch
    {
        VillageKind.Gacha => "gacha 嘎查",
        VillageKind.Village => "village 村",
        VillageKind.Unknown => "unknown",
        _ => "",
    };

    public static string Show(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Stock => "stock",
        IndicatorKind.Flow => "flow",
        IndicatorKind.Ratio => "ratio",
        _ => "",
    };

    public static string Show(EnteredAt at) => at switch
    {
        EnteredAt.Village => "village",
        EnteredAt.Township => "township",
        _ => "",
    };

    /// <summary>A request id for a write the caller gave none for: unique per run (re-running the command is a new request).</summary>
    public static string NewRequestId(string what) =>
        $"cli-{what}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}";
}
