using System.Text;

namespace Dongming.Reports;

/// <summary>Text from data (village names, notes, rule messages) put into Markdown as text, never as markup.</summary>
public static class Markdown
{
    /// <summary>Backslash-escapes the ASCII punctuation Markdown gives a meaning to; line breaks become spaces.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '~' or '!' or '&' or '{' or '}':
                    sb.Append('\\').Append(c);
                    break;
                case '\r' or '\n' or '\t':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
