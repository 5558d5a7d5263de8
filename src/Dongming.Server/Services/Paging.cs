using System.Text;
using Dongming.Domain;

namespace Dongming.Server.Services;

/// <summary>Page sizes and opaque page tokens (base64 of the last item's sort key).</summary>
public static class Paging
{
    public static int Size(int requested, int defaultSize, int max, Violations v)
    {
        if (requested < 0 || requested > max) { v.Add("page_size", $"must be between 0 and {max} (0 means {defaultSize})"); return defaultSize; }
        return requested == 0 ? defaultSize : requested;
    }

    public static string Token(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    public static string? Key(string token, Violations v)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            if (token.Length <= 400) return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
        }
        v.Add("page_token", "is not a token this service issued");
        return null;
    }
}
