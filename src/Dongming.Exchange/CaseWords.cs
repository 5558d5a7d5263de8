using Dongming.Domain;
using Dongming.Exchange.Reading;

namespace Dongming.Exchange;

/// <summary>The words of case lists: statuses and sources as Chinese sheets write them, and the ones exports write.</summary>
public static class CaseWords
{
    private static readonly Dictionary<CaseStatus, string> StatusNames = new()
    {
        [CaseStatus.Reported] = "已交办",
        [CaseStatus.Investigating] = "查处中",
        [CaseStatus.Rectifying] = "整改中",
        [CaseStatus.Rectified] = "已整改",
        [CaseStatus.Closed] = "已销号",
        [CaseStatus.Controlled] = "封控管理",
        [CaseStatus.Transferred] = "导入诉仲程序",
        [CaseStatus.Reopened] = "重新办理",
    };

    private static readonly Dictionary<string, CaseStatus> Statuses = BuildStatuses();

    private static Dictionary<string, CaseStatus> BuildStatuses()
    {
        var map = new Dictionary<string, CaseStatus>(StringComparer.Ordinal);
        void Add(CaseStatus status, string words)
        {
            foreach (var w in words.Split(' ')) map[Words.Key(w)] = status;
        }
        Add(CaseStatus.Reported, "已交办 交办 发现 已发现 新发现 受理 已受理 待处理 未处理 未整改 待整改 下发 已下发");
        Add(CaseStatus.Investigating, "查处 查处中 正在查处 调查 调查中 核查 核查中 正在核查 立案调查 办理中");
        Add(CaseStatus.Rectifying, "整改中 正在整改 查处整改中 正在查处整改 整改 未完成整改 推进中");
        Add(CaseStatus.Rectified, "已整改 整改完成 完成整改 已完成整改 已完成 按期完成整改 按期整改 已恢复");
        Add(CaseStatus.Closed, "销号 已销号 整改销号 办结 已办结 结案 已结案 完成 已处理");
        Add(CaseStatus.Controlled, "封控 封控管理 已封控");
        Add(CaseStatus.Transferred, "导入诉仲程序 诉仲 诉讼 仲裁 移交 已移交 移送 已移送");
        Add(CaseStatus.Reopened, "重新办理 重新打开 重办 退回重办");
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            map[Words.Key(status.ToString())] = status;
            map[Words.Key(CaseLifecycle.Name(status))] = status;
        }
        return map;
    }

    private static readonly Dictionary<CaseSource, string> SourceNames = new()
    {
        [CaseSource.Unspecified] = string.Empty,
        [CaseSource.AssignedFromAbove] = "上级交办",
        [CaseSource.Screening] = "排查",
        [CaseSource.Hotline] = "12345热线",
        [CaseSource.Inspection] = "检查执法",
    };

    private static readonly Dictionary<string, CaseSource> Sources = BuildSources();

    private static Dictionary<string, CaseSource> BuildSources()
    {
        var map = new Dictionary<string, CaseSource>(StringComparer.Ordinal);
        void Add(CaseSource source, string words)
        {
            foreach (var w in words.Split(' ')) map[Words.Key(w)] = source;
        }
        Add(CaseSource.AssignedFromAbove, "上级交办 交办 上级下发 下发 督办 上级督办");
        Add(CaseSource.Screening, "排查 自查 摸排 巡查 摸底排查");
        Add(CaseSource.Hotline, "12345 12345热线 热线 12345热线工单 热线工单");
        Add(CaseSource.Inspection, "检查 执法 检查执法 执法检查 联合执法 督查");
        foreach (var source in Enum.GetValues<CaseSource>()) map[Words.Key(source.ToString())] = source;
        return map;
    }

    /// <summary>The Chinese word exports write for a status.</summary>
    public static string StatusWord(CaseStatus status) => StatusNames[status];

    /// <summary>A status word of a sheet (已整改, 整改中, 查处, 销号, …, or CASE_STATUS_…).</summary>
    public static bool TryParseStatus(string? text, out CaseStatus status) => Statuses.TryGetValue(Words.Key(text), out status);

    /// <summary>The words read as each status, for messages and documentation.</summary>
    public static string StatusWordsHelp => string.Join("; ", Enum.GetValues<CaseStatus>().Select(s => $"{StatusNames[s]} = {CaseLifecycle.Name(s)}"));

    /// <summary>The Chinese word exports write for a source (empty for unspecified).</summary>
    public static string SourceWord(CaseSource source) => SourceNames[source];

    public static bool TryParseSource(string? text, out CaseSource source) => Sources.TryGetValue(Words.Key(text), out source);

    /// <summary>是/否 as exports write flags.</summary>
    public static string YesNo(bool value) => value ? "是" : "否";

    public static bool TryParseYesNo(string? text, out bool value)
    {
        switch (Words.Key(text))
        {
            case "是" or "y" or "yes" or "true" or "1" or "√" or "✓" or "有":
                value = true;
                return true;
            case "否" or "n" or "no" or "false" or "0" or "无" or "":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
