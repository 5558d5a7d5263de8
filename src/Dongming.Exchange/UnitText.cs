using Dongming.Domain;

namespace Dongming.Exchange;

/// <summary>
/// A unit as written in a header or a cell — "万亩", "(万元)", "亿元", "%", "公顷" — and what one of it is in
/// each base unit of the catalog it can express (1万亩 = 10,000 mu, 1亿元 = 10^8 yuan, 1公顷 = 15 mu, 1% =
/// 0.01). Every factor is an exact decimal. A magnitude alone ("万", "亿") scales whatever the indicator's
/// base unit is (except ratios).
/// </summary>
public sealed record UnitScale(string Text, IReadOnlyDictionary<string, decimal> Factors, decimal? AnyBaseFactor)
{
    /// <summary>How many base units one of this unit is for an indicator measured in <paramref name="baseUnit"/>.</summary>
    public bool TryFactorFor(string baseUnit, out decimal factor)
    {
        if (Factors.TryGetValue(baseUnit, out factor)) return true;
        if (AnyBaseFactor is { } any && baseUnit != Units.Ratio) { factor = any; return true; }
        factor = 0;
        return false;
    }
}

/// <summary>The unit words of Chinese ledgers, and the Chinese name of each base unit for headers.</summary>
public static class UnitText
{
    private static readonly Dictionary<string, Dictionary<string, decimal>> Words = Build();

    private static readonly (string Word, decimal Factor)[] Magnitudes =
    [
        ("千万", 10_000_000m), ("百万", 1_000_000m), ("十万", 100_000m), ("万", 10_000m), ("亿", 100_000_000m), ("千", 1_000m),
    ];

    /// <summary>The Chinese unit of each base unit, as export headers show it.</summary>
    public static readonly IReadOnlyDictionary<string, string> ChineseNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mu"] = "亩",
        ["m2"] = "平方米",
        ["yuan"] = "元",
        ["head"] = "头",
        ["person"] = "人",
        ["household"] = "户",
        ["tree"] = "株",
        ["plot"] = "块",
        ["building"] = "栋",
        ["times"] = "次",
        ["person_time"] = "人次",
        ["item"] = "件",
        ["project"] = "个",
        ["site"] = "处",
        ["round"] = "轮",
        ["village"] = "个",
        ["case"] = "起",
        ["ratio"] = "%",
    };

    /// <summary>The Chinese unit of a base unit, or the base unit itself.</summary>
    public static string ChineseName(string baseUnit) => ChineseNames.TryGetValue(baseUnit, out var name) ? name : baseUnit;

    private static Dictionary<string, Dictionary<string, decimal>> Build()
    {
        var words = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        void Add(string units, params (string Base, decimal Factor)[] factors)
        {
            foreach (var word in units.Split(' '))
            {
                var key = Reading.Words.Key(word);
                if (!words.TryGetValue(key, out var map)) words[key] = map = new Dictionary<string, decimal>(StringComparer.Ordinal);
                foreach (var (b, f) in factors) map[b] = f;
            }
        }
        foreach (var b in Units.All) Add(b, (b, 1m)); // the base codes themselves
        Add("亩", ("mu", 1m));
        Add("公顷 hm2 hm² ha", ("mu", 15m), ("m2", 10_000m));
        Add("平方米 平米 ㎡ m²", ("m2", 1m), ("mu", 0.0015m));
        Add("平方公里 km2 km²", ("m2", 1_000_000m), ("mu", 1_500m));
        Add("元", ("yuan", 1m));
        Add("头 只 头/只 只/头 头只 头(只) 口", ("head", 1m));
        Add("人 名", ("person", 1m));
        Add("户", ("household", 1m));
        Add("株 棵", ("tree", 1m));
        Add("块", ("plot", 1m));
        Add("栋 幢", ("building", 1m));
        Add("次 场 场次", ("times", 1m), ("round", 1m));
        Add("人次", ("person_time", 1m));
        Add("轮", ("round", 1m));
        Add("件", ("item", 1m), ("case", 1m));
        Add("条", ("item", 1m));
        Add("项", ("project", 1m), ("item", 1m));
        Add("个", ("project", 1m), ("site", 1m), ("village", 1m), ("plot", 1m), ("item", 1m), ("case", 1m));
        Add("处", ("site", 1m));
        Add("村 个村", ("village", 1m));
        Add("起 例 宗", ("case", 1m));
        Add("% percent 百分比", ("ratio", 0.01m));
        Add("‰", ("ratio", 0.001m));
        return words;
    }

    /// <summary>Parses a unit ("万亩", "亿元", "%", "万"); false when it is no unit known here.</summary>
    public static bool TryParse(string? text, out UnitScale scale)
    {
        scale = null!;
        var key = Reading.Words.Key(text);
        if (key.Length == 0) return false;
        if (Words.TryGetValue(key, out var direct)) { scale = new UnitScale(text!.Trim(), direct, null); return true; }
        foreach (var (word, magnitude) in Magnitudes)
        {
            if (!key.StartsWith(word, StringComparison.Ordinal)) continue;
            var rest = key[word.Length..];
            if (rest.Length == 0) { scale = new UnitScale(text!.Trim(), new Dictionary<string, decimal>(), magnitude); return true; }
            if (!Words.TryGetValue(rest, out var map) || map.ContainsKey(Units.Ratio)) return false;
            scale = new UnitScale(text!.Trim(), map.ToDictionary(p => p.Key, p => p.Value * magnitude, StringComparer.Ordinal), null);
            return true;
        }
        return false;
    }
}
