using System.Globalization;
using System.Text.RegularExpressions;

namespace Dongming.Domain;

/// <summary>
/// Figures are exact decimals end to end; on the wire they are strings in plain decimal form. The parser is
/// strict on purpose: an exponent, a '+', a thousands separator or NaN in a ledger figure is a typing
/// mistake to reject, not a number to guess at.
/// </summary>
public static partial class ExactDecimal
{
    /// <summary>At most this many significant digits (what <see cref="decimal"/> always holds exactly).</summary>
    public const int MaxSignificantDigits = 28;

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainDecimal();

    /// <summary>Parses plain decimal text; on failure says why.</summary>
    public static bool TryParse(string? text, out decimal value, out string error)
    {
        value = 0;
        error = string.Empty;
        if (string.IsNullOrEmpty(text)) { error = "is required"; return false; }
        if (text.Length > 64 || !PlainDecimal().IsMatch(text))
        {
            error = "must be a plain decimal such as \"1234\" or \"0.9694\" (no exponent, '+', separators, spaces, NaN or Infinity)";
            return false;
        }
        var digits = text.TrimStart('-');
        var dot = digits.IndexOf('.');
        var integerPart = dot < 0 ? digits : digits[..dot];
        var fraction = dot < 0 ? string.Empty : digits[(dot + 1)..];
        var significant = (integerPart.TrimStart('0') + fraction).TrimStart('0').Length;
        if (significant > MaxSignificantDigits || fraction.Length > MaxSignificantDigits || integerPart.Length > MaxSignificantDigits)
        {
            error = $"must have at most {MaxSignificantDigits} significant digits";
            return false;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            error = $"must have at most {MaxSignificantDigits} significant digits";
            return false;
        }
        return true;
    }

    /// <summary>Parses or records a violation for <paramref name="field"/>.</summary>
    public static decimal? Parse(Violations v, string field, string? text)
    {
        if (TryParse(text, out var value, out var error)) return value;
        v.Add(field, error);
        return null;
    }

    /// <summary>Plain decimal text without trailing fractional zeros: 274000000, 0.9694, -1.5.</summary>
    public static string Format(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.')) text = text.TrimEnd('0').TrimEnd('.');
        return text == "-0" ? "0" : text;
    }

    /// <summary>Number of digits after the decimal point once trailing zeros are dropped.</summary>
    public static int Scale(decimal value)
    {
        var text = Format(value);
        var dot = text.IndexOf('.');
        return dot < 0 ? 0 : text.Length - dot - 1;
    }
}
