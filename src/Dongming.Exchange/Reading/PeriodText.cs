using System.Globalization;
using System.Text.RegularExpressions;
using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>
/// A period as clerks write it: the system's forms ("2023", "2023Q4", "2023-11") and the Chinese ones
/// ("2023年", "2023年第四季度", "2023年4季度", "2023年11月", "2023/11", "2023.11"). <see cref="Period.TryParse"/>
/// decides; this only rewrites the Chinese forms into its form.
/// </summary>
internal static partial class PeriodText
{
    [GeneratedRegex(@"^(?<y>[0-9]{4})年?(?:第?(?<q>[1-4一二三四])季度?|(?:[-/.]|年)?(?<m>[0-9]{1,2})月?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Chinese();

    public static bool TryParse(string text, out Period period)
    {
        var t = Words.Key(text).ToUpperInvariant();
        if (Period.TryParse(t, out period)) return true;
        var m = Chinese().Match(t);
        if (!m.Success) return false;
        var y = m.Groups["y"].Value;
        if (m.Groups["q"].Success)
        {
            var q = m.Groups["q"].Value switch { "一" => "1", "二" => "2", "三" => "3", "四" => "4", var d => d };
            return Period.TryParse($"{y}Q{q}", out period);
        }
        if (m.Groups["m"].Success)
        {
            var month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            return month is >= 1 and <= 12 && Period.TryParse($"{y}-{month:D2}", out period);
        }
        return Period.TryParse(y, out period);
    }
}
