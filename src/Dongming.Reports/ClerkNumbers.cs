using Dongming.Domain;

namespace Dongming.Reports;

/// <summary>
/// Where a qualifier goes when the shown figure is below the real one or the real one is only a lower bound:
/// 突破11万亩 (before), 14万余头只 (after the number, before the counter), 2.74亿元以上 (after everything).
/// </summary>
[Flags]
public enum Qualifier
{
    None = 0,
    /// <summary>突破: before the number.</summary>
    Tupo = 1,
    /// <summary>超过: before the number.</summary>
    Chaoguo = 2,
    /// <summary>余: after the number and its 万/亿, before the counter.</summary>
    Yu = 4,
    /// <summary>以上: after the counter.</summary>
    Yishang = 8,
}

/// <summary>What a template may ask of a figure's wording; every field is optional.</summary>
public sealed record NumberStyle
{
    public static NumberStyle Default { get; } = new();

    /// <summary>The counter (量词) after the number: 头, 只, 名, 条; default from the unit.</summary>
    public string? Counter { get; init; }

    /// <summary>The qualifier used when one is due; default from the unit (areas 突破, money 以上, counts 余).</summary>
    public Qualifier? Qualifier { get; init; }

    /// <summary>Scale: "" (plain), "万" or "亿"; default chosen from the value.</summary>
    public string? Scale { get; init; }

    /// <summary>At most this many decimals in the scale (rounded down); default from the unit and scale.</summary>
    public int? Decimals { get; init; }
}

/// <summary>A figure as the text shows it.</summary>
public sealed record ShownNumber(
    string Text,
    decimal Shown,
    string Scale,
    bool RoundedDown,
    bool LowerBound,
    decimal Step,
    Qualifier Qualifier)
{
    /// <summary>True when the text carries 突破/超过/余/以上.</summary>
    public bool Qualified => Qualifier != Qualifier.None;

    /// <summary>The rounding applied, for the API: "exact", "rounded down to 0.01万", "lower bound; rounded down to 1万".</summary>
    public string Rounding
    {
        get
        {
            var step = Scale == "%" ? $"{ExactDecimal.Format(Step)}%" : $"{ExactDecimal.Format(Step)}{Scale}";
            var scale = Scale.Length == 0 ? string.Empty : Scale == "%" ? ", as a percentage" : $", in {Scale}";
            return (LowerBound, RoundedDown) switch
            {
                (false, false) => "exact" + scale,
                (false, true) => $"rounded down to {step}",
                (true, false) => "lower bound; shown as held" + scale,
                (true, true) => $"lower bound; rounded down to {step}",
            };
        }
    }

    /// <summary>The rounding applied, as the appendix says it: 精确, 舍至0.01万, 下限值.</summary>
    public string RoundingZh
    {
        get
        {
            var step = Scale == "%" ? $"{ExactDecimal.Format(Step)}%" : $"{ExactDecimal.Format(Step)}{Scale}";
            return (LowerBound, RoundedDown) switch
            {
                (false, false) => "精确",
                (false, true) => $"向下舍至{step}",
                (true, false) => "下限值",
                (true, true) => $"下限值，向下舍至{step}",
            };
        }
    }
}

/// <summary>
/// Figures written as a township clerk writes them (worked out from the 2023 report and its figures):
/// <list type="bullet">
/// <item>Money: 亿元 from 1亿 (to 0.0001亿, i.e. whole 万元: 1.5218亿元), 万元 from 1万 (to 0.01万: 125.39万元), else 元.</item>
/// <item>Areas (亩, 平方米): 万 from 1万 (to 0.01万: 20.58万亩, 338万平方米), and from 1000 when whole hundreds
/// (0.31万亩); else plain.</item>
/// <item>Counts: plain below 1万 (8400人); 万 from 1万 when exact at 0.01万 (3.65万人, 14万头), else plain
/// (12106栋); never rounded unless a lower bound.</item>
/// <item>Ratios: percentages to 0.01% (96.94%, 71.8%, 100%).</item>
/// <item>A lower bound ("at least") is stated as a round threshold: whole 万/亿 from 10 of them (14万余头只,
/// 突破11万亩), two decimals below (2.74亿元以上, 突破2万亩); plain counts stay whole (30余次).</item>
/// </list>
/// The shown figure is never above the real one: it is rounded down, and whenever it is below the real
/// figure, or the real figure is only a lower bound, the text says so (突破/超过/余/以上). No thousands
/// separators: a clerk writes 12106, not 12,106.
/// </summary>
public static class ClerkNumbers
{
    private const decimal Wan = 10_000m, Yi = 100_000_000m;

    /// <summary>The counter a unit takes when the template names none.</summary>
    public static string DefaultCounter(string unit) => unit switch
    {
        "mu" => "亩",
        "m2" => "平方米",
        Units.Yuan => "元",
        "head" => "头只",
        "person" => "人",
        "household" => "户",
        "tree" => "株",
        "plot" => "块",
        "building" => "栋",
        "times" => "次",
        "person_time" => "人次",
        "item" => "件",
        "project" => "个",
        "site" => "处",
        "round" => "轮",
        "village" => "个",
        "case" => "起",
        Units.Ratio => "%",
        _ => string.Empty,
    };

    private enum Family { Money, Measure, Count, Ratio }

    private static Family FamilyOf(string unit) => unit switch
    {
        Units.Yuan => Family.Money,
        Units.Ratio => Family.Ratio,
        _ when Units.Counts.Contains(unit) => Family.Count,
        _ => Family.Measure,
    };

    /// <summary>The qualifier a unit takes by default: 突破 for areas, 以上 for money and ratios, 余 for counts.</summary>
    public static Qualifier DefaultQualifier(string unit) => FamilyOf(unit) switch
    {
        Family.Measure => Qualifier.Tupo,
        Family.Money or Family.Ratio => Qualifier.Yishang,
        _ => Qualifier.Yu,
    };

    /// <summary>
    /// Writes <paramref name="value"/> (in the base unit <paramref name="unit"/>) as the text shows it. Throws
    /// <see cref="ArgumentException"/> for a negative value or a style that cannot apply (the caller reports it).
    /// </summary>
    public static ShownNumber Format(decimal value, string unit, bool lowerBound, NumberStyle? style = null)
    {
        style ??= NumberStyle.Default;
        if (value < 0) throw new ArgumentException($"a figure shown in the text must not be negative ({ExactDecimal.Format(value)})");
        var family = FamilyOf(unit);
        var qualifier = style.Qualifier ?? DefaultQualifier(unit);
        var counter = style.Counter ?? DefaultCounter(unit);

        string scale;
        decimal factor;
        int decimals;
        if (family == Family.Ratio)
        {
            if (style.Scale is { Length: > 0 } s && s != "%") throw new ArgumentException($"a ratio is shown as a percentage, not in {s}");
            if ((qualifier & Qualifier.Yu) != 0) throw new ArgumentException("余 does not go with a percentage");
            scale = "%";
            factor = 0.01m;
            decimals = 2;
            counter = string.Empty;
        }
        else
        {
            scale = style.Scale ?? AutomaticScale(family, value, lowerBound);
            factor = scale switch
            {
                "" => 1m,
                "万" => Wan,
                "亿" => Yi,
                _ => throw new ArgumentException($"scale must be \"\", \"万\" or \"亿\", not \"{scale}\""),
            };
            decimals = (family, scale) switch
            {
                (Family.Money, "亿") or (Family.Count, "亿") => 4,
                (Family.Money, _) => 2,
                (Family.Measure, "") => ValueRange.MaxDecimals,
                (Family.Count, "") => 0,
                _ => 2,
            };
        }

        var inScale = value / factor;
        if (lowerBound && scale != "%") decimals = Math.Min(decimals, inScale >= 10 ? 0 : 2);
        if (style.Decimals is { } d)
        {
            if (d is < 0 or > 6) throw new ArgumentException("decimals must be between 0 and 6");
            decimals = d;
        }
        var step = Pow10(-decimals);
        var shown = RoundDown(inScale, decimals);
        var roundedDown = shown < inScale;
        var used = roundedDown || lowerBound ? qualifier : Qualifier.None;

        var number = ExactDecimal.Format(shown);
        var text = string.Concat(
            (used & Qualifier.Tupo) != 0 ? "突破" : string.Empty,
            (used & Qualifier.Chaoguo) != 0 ? "超过" : string.Empty,
            number,
            scale,
            (used & Qualifier.Yu) != 0 ? "余" : string.Empty,
            counter,
            (used & Qualifier.Yishang) != 0 ? "以上" : string.Empty);
        return new ShownNumber(text, shown * factor, scale, roundedDown, lowerBound, step, used);
    }

    /// <summary>Reads a qualifier as a template writes it: "突破", "余", "以上", "超过", "超过余", "" for none.</summary>
    public static Qualifier ParseQualifier(string text)
    {
        var q = Qualifier.None;
        var rest = text.Trim();
        foreach (var (word, flag) in new[] { ("突破", Qualifier.Tupo), ("超过", Qualifier.Chaoguo), ("余", Qualifier.Yu), ("以上", Qualifier.Yishang) })
        {
            if (rest.Contains(word, StringComparison.Ordinal))
            {
                q |= flag;
                rest = rest.Replace(word, string.Empty, StringComparison.Ordinal);
            }
        }
        if (rest.Length > 0) throw new ArgumentException($"qualifier must be made of 突破, 超过, 余 and 以上, not \"{text}\"");
        return q;
    }

    private static string AutomaticScale(Family family, decimal value, bool lowerBound) => family switch
    {
        Family.Money => value >= Yi ? "亿" : value >= Wan ? "万" : string.Empty,
        Family.Measure => value >= Wan || (value >= 1000 && IsMultiple(value, 100)) ? "万" : string.Empty,
        _ when lowerBound => value >= Yi ? "亿" : value >= Wan ? "万" : string.Empty,
        _ => value >= Yi && IsMultiple(value, Wan) ? "亿" : value >= Wan && IsMultiple(value, 100) ? "万" : string.Empty,
    };

    private static bool IsMultiple(decimal value, decimal of) => decimal.Remainder(value, of) == 0;

    private static decimal Pow10(int exponent)
    {
        var r = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++) r = exponent < 0 ? r / 10 : r * 10;
        return r;
    }

    /// <summary>Rounds a non-negative value down to <paramref name="decimals"/> decimals, exactly.</summary>
    private static decimal RoundDown(decimal value, int decimals) => decimal.Round(value, decimals, MidpointRounding.ToZero);
}
