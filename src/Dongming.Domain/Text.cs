using System.Text.RegularExpressions;

namespace Dongming.Domain;

/// <summary>Checks on identifiers and free text that arrive from callers.</summary>
public static partial class Text
{
    /// <summary>Longest request id.</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>Longest comment or note.</summary>
    public const int MaxNoteLength = 500;

    /// <summary>
    /// Org unit ids (villages and townships): lowercase letters, digits and '-', starting with a letter
    /// — so never all digits (Orleans mis-parses all-digit string keys).
    /// </summary>
    [GeneratedRegex("^[a-z][a-z0-9-]{1,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex OrgUnitIdPattern();

    /// <summary>Catalog codes: lowercase snake_case.</summary>
    [GeneratedRegex("^[a-z][a-z0-9_]{1,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    public static bool IsOrgUnitId(string? value) => value is not null && OrgUnitIdPattern().IsMatch(value);

    public static bool IsCode(string? value) => value is not null && CodePattern().IsMatch(value);

    /// <summary>Requires a well-formed org unit id.</summary>
    public static void CheckOrgUnitId(Violations v, string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) v.Add(field, "is required");
        else if (!IsOrgUnitId(value)) v.Add(field, "must be 2..64 characters of a-z, 0-9 and '-', starting with a letter");
    }

    /// <summary>Requires a well-formed catalog code.</summary>
    public static void CheckCode(Violations v, string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) v.Add(field, "is required");
        else if (!IsCode(value)) v.Add(field, "must be 2..64 characters of a-z, 0-9 and '_', starting with a letter");
    }

    /// <summary>Requires a request id: 1..128 characters, no control characters or whitespace-only.</summary>
    public static void CheckRequestId(Violations v, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) { v.Add(field, "is required (a client-chosen id that makes retries safe)"); return; }
        if (value.Length > MaxRequestIdLength) v.Add(field, $"must be at most {MaxRequestIdLength} characters");
        else if (!IsCleanText(value, allowNewLines: false)) v.Add(field, "must not contain control characters or invalid UTF-16");
    }

    /// <summary>Checks a free-text field: length and clean characters; optional unless <paramref name="required"/>.</summary>
    public static void CheckText(Violations v, string field, string? value, int maxLength, bool required = false, bool allowNewLines = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required) v.Add(field, "is required");
            return;
        }
        if (value.Length > maxLength) v.Add(field, $"must be at most {maxLength} characters");
        else if (!IsCleanText(value, allowNewLines)) v.Add(field, "must not contain control characters or invalid UTF-16");
        else if (required && string.IsNullOrWhiteSpace(value)) v.Add(field, "is required");
    }

    /// <summary>
    /// True when the text has no control characters (tab and newlines only where allowed) and no unpaired
    /// surrogates: such text would corrupt ledgers, logs and exports.
    /// </summary>
    public static bool IsCleanText(string value, bool allowNewLines)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
                continue;
            }
            if (char.IsLowSurrogate(c)) return false;
            if (c is '\n' or '\r' or '\t') { if (!allowNewLines) return false; continue; }
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' or '\uFFFD') return false;
        }
        return true;
    }
}
