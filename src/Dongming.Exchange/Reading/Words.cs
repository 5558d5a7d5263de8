using System.Text;

namespace Dongming.Exchange.Reading;

/// <summary>
/// How header and label text is compared: width folded (full-width letters, digits and brackets as ASCII),
/// ASCII letters lower-cased, spaces and quotation marks dropped — "“两癌”免费筛查人数", "两癌免费筛查人数"
/// and "\"两癌\" 免费筛查人数" are one header. Nothing else is guessed.
/// </summary>
internal static class Words
{
    public static string Key(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var sb = new StringBuilder(text.Length);
        foreach (var c0 in text)
        {
            var c = Fold(c0);
            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '“' or '”' or '‘' or '’' or '「' or '」' or '『' or '』' or '\u200B' or '\uFEFF') continue;
            sb.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
        }
        return sb.ToString();
    }

    /// <summary>Full-width ASCII (U+FF01..U+FF5E) and the ideographic space as their ASCII forms.</summary>
    public static char Fold(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        '\u3000' => ' ',
        _ => c,
    };

    /// <summary>Width-folded and trimmed, case and inner spaces kept (for values).</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(Fold(c));
        return sb.ToString().Trim();
    }

    /// <summary>A header's trailing bracketed part, "牛存栏（头）" → ("牛存栏", "头"); null when there is none.</summary>
    public static (string Name, string Inner)? SplitBracket(string text)
    {
        var t = Clean(text);
        if (t.Length < 3) return null;
        var close = t[^1];
        var open = close switch
        {
            ')' => '(',
            ']' => '[',
            '】' => '【',
            '〕' => '〔',
            _ => '\0',
        };
        if (open == '\0') return null;
        var at = t.LastIndexOf(open);
        if (at <= 0) return null;
        return (t[..at].Trim(), t[(at + 1)..^1].Trim());
    }

    /// <summary>A set of words compared by <see cref="Key"/>.</summary>
    public static HashSet<string> Set(params string[] words) => new(words.Select(Key), StringComparer.Ordinal);
}
