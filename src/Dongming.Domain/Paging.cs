using System.Text;

namespace Dongming.Domain;

/// <summary>
/// Page sizes and page tokens. A token is opaque to callers (base64 of "v1|" and the last item's sort key); every
/// token is checked when it comes back, and one this service did not issue is INVALID_ARGUMENT, never a fault.
/// </summary>
public static class PageToken
{
    private const string Prefix = "v1|";
    private const int MaxLength = 400;

    /// <summary>The page size asked for (0 = <paramref name="defaultSize"/>), or a violation when outside 0..<paramref name="max"/>.</summary>
    public static int Size(Violations v, int requested, int defaultSize, int max)
    {
        if (requested < 0 || requested > max) { v.Add("page_size", $"must be between 0 and {max} (0 means {defaultSize})"); return defaultSize; }
        return requested == 0 ? defaultSize : requested;
    }

    public static string Encode(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + key));

    /// <summary>The key of a token (null for none), or a violation when it is not one this service issued.</summary>
    public static string? Decode(Violations v, string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        if (token.Length <= MaxLength)
        {
            var bytes = new byte[token.Length];
            if (Convert.TryFromBase64String(token, bytes, out var n))
            {
                try
                {
                    var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, n);
                    if (text.StartsWith(Prefix, StringComparison.Ordinal) && Text.IsCleanText(text, false)) return text[Prefix.Length..];
                }
                catch (DecoderFallbackException)
                {
                }
            }
        }
        v.Add("page_token", "is not a token this service issued");
        return null;
    }
}
