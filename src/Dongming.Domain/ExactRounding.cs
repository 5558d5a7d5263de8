using System.Numerics;

namespace Dongming.Domain;

/// <summary>
/// Exact quotients and comparisons of figures. A <see cref="decimal"/> division rounds at 28 significant digits
/// before any rounding of ours, so a quotient rounded again could tip a tie the wrong way; and a product of a
/// township total (up to ~10^24) with a day count overflows. Both are done on the figures' exact integer
/// significands (<see cref="BigInteger"/>) instead.
/// </summary>
public static partial class ExactDecimal
{
    /// <summary>
    /// <paramref name="numerator"/> / <paramref name="denominator"/> rounded half to even at <paramref name="places"/>
    /// decimals (0.12345 → 0.1234, 0.12355 → 0.1236); null when the denominator is 0 or the quotient is too large
    /// for a decimal with that many places.
    /// </summary>
    public static decimal? Quotient(decimal numerator, decimal denominator, int places)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(places);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(places, 10);
        if (denominator == 0) return null;
        var (n, ns) = Parts(numerator);
        var (d, ds) = Parts(denominator);
        // (n / 10^ns) / (d / 10^ds) × 10^places = n × 10^(ds + places) / (d × 10^ns)
        var num = n * BigInteger.Pow(10, ds + places);
        var den = d * BigInteger.Pow(10, ns);
        if (den.Sign < 0) { num = -num; den = -den; }
        var q = BigInteger.DivRem(num, den, out var r); // toward zero; r has the sign of num
        var half = (BigInteger.Abs(r) * 2).CompareTo(den);
        if (half > 0 || (half == 0 && !q.IsEven)) q += r.Sign;
        if (BigInteger.Abs(q) > MaxSignificand) return null;
        return (decimal)q / Pow10(places);
    }

    /// <summary>The sign of a × b − c × d, exactly (day counts times figures: see the class remarks).</summary>
    public static int CompareProducts(decimal a, long b, decimal c, long d)
    {
        var (an, ascale) = Parts(a);
        var (cn, cscale) = Parts(c);
        var left = an * b * BigInteger.Pow(10, cscale);
        var right = cn * d * BigInteger.Pow(10, ascale);
        return left.CompareTo(right);
    }

    private static readonly BigInteger MaxSignificand = new(decimal.MaxValue);

    private static decimal Pow10(int places)
    {
        var p = 1m;
        for (var i = 0; i < places; i++) p *= 10;
        return p;
    }

    /// <summary>The exact value of a decimal: its 96-bit significand (signed) over 10^scale.</summary>
    private static (BigInteger Significand, int Scale) Parts(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var significand = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        var scale = (bits[3] >> 16) & 0xFF;
        return (bits[3] < 0 ? -significand : significand, scale);
    }
}
