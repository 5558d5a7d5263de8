using System.Text.RegularExpressions;
using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>A number cell as a clerk writes it: the number, a lower bound ("30余"), and a unit of its own ("2.74亿").</summary>
internal readonly record struct CellNumber(decimal Number, bool AtLeast, UnitScale? Unit);

/// <summary>
/// Reads the text of a number cell. The number itself goes through <see cref="ExactDecimal"/>; around it a cell
/// may say a lower bound (≥30, >30, 30余, 30多, 30以上, 30+, 超过/突破/逾/不少于/不低于/至少 30), a magnitude
/// and a unit ("2.74亿", "11万余亩", "96.94%"), and group thousands with commas ("1,234,567"). Dashes and
/// slashes alone mean "not reported", as in printed statistics tables. Anything else is text, not a number.
/// </summary>
internal static partial class NumberText
{
    [GeneratedRegex(@"^(?<pre>≥|>=|>|超过|突破|逾|不少于|不低于|至少|大于|多于)?(?<num>[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|[+-]?\.[0-9]+)(?<mag>千万|百万|十万|万|亿|千)?(?<more>余|多)?(?<unit>[^0-9余多+]*?)(?<post>以上|余|多|\+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private static readonly HashSet<string> NotReported = new(StringComparer.Ordinal) { "-", "--", "—", "——", "–", "/", "\\", "…", "...", "——" };

    /// <summary>True when the text says "nothing reported" (empty, a dash or a slash).</summary>
    public static bool IsNotReported(string? text)
    {
        var t = Words.Clean(text);
        return t.Length == 0 || NotReported.Contains(t);
    }

    public static bool TryParse(string text, out CellNumber number, out string error)
    {
        number = default;
        error = string.Empty;
        if (IsPlain(text) && ExactDecimal.TryParse(text, out var plain, out _))
        {
            number = new CellNumber(plain, false, null); // the common case: digits only, as number cells read
            return true;
        }
        var t = Words.Key(text).Replace("＞", ">", StringComparison.Ordinal);
        var m = Pattern().Match(t);
        if (!m.Success)
        {
            error = $"\"{Shorten(text)}\" is not a number: write digits such as 1234 or 0.31 (a unit such as 万亩 and a lower bound such as 30余 may follow); leave the cell empty when nothing is reported";
            return false;
        }
        UnitScale? unit = null;
        var unitText = m.Groups["mag"].Value + m.Groups["unit"].Value;
        if (unitText.Length > 0 && !UnitText.TryParse(unitText, out unit))
        {
            error = $"\"{Shorten(text)}\" is not a number: \"{m.Groups["unit"].Value}\" is not a unit (write e.g. 3100, 0.31万亩, 2.74亿元 or 96.94%)";
            return false;
        }
        var digits = m.Groups["num"].Value;
        if (digits.Contains(',')) digits = digits.Replace(",", string.Empty, StringComparison.Ordinal);
        if (digits.StartsWith('.')) digits = "0" + digits;
        else if (digits.StartsWith("-.", StringComparison.Ordinal)) digits = "-0" + digits[1..];
        if (!ExactDecimal.TryParse(digits, out var value, out var why))
        {
            error = $"\"{Shorten(text)}\" {why}";
            return false;
        }
        var atLeast = m.Groups["pre"].Success || m.Groups["more"].Success || m.Groups["post"].Success;
        number = new CellNumber(value, atLeast, unit);
        return true;
    }

    private static bool IsPlain(string text)
    {
        if (text.Length is 0 or > 30) return false;
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or '.' or '-')) return false;
        }
        return true;
    }

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
