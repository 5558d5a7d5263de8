using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dongming.Quality;

/// <summary>
/// An exact fraction of two big integers, always in lowest terms with a positive denominator. Rules divide
/// (pension paid ÷ recipients) and multiply figures of up to 15 integer digits: <see cref="decimal"/> would
/// round a quotient such as 152180000 ÷ 7921 and overflow a product of two large sums, so the evaluator
/// works on fractions and rounds only when a value is shown (<see cref="ToDecimalString"/>).
/// </summary>
/// <remarks>
/// Written by hand rather than taken from a library: the operations needed are five lines each on top of
/// <see cref="BigInteger"/>, and the few rational packages for .NET are either unmaintained or convert
/// through <see cref="double"/>.
/// </remarks>
[JsonConverter(typeof(RationalJsonConverter))]
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    private readonly BigInteger _denominator; // 0 only in default(Rational), read as 1

    private Rational(BigInteger numerator, BigInteger denominator)
    {
        Numerator = numerator;
        _denominator = denominator;
    }

    public static Rational Zero => default;

    public static Rational One => new(BigInteger.One, BigInteger.One);

    /// <summary>The numerator; carries the sign.</summary>
    public BigInteger Numerator { get; }

    /// <summary>The denominator, always positive.</summary>
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    public bool IsZero => Numerator.IsZero;

    public int Sign => Numerator.Sign;

    /// <summary>The fraction <paramref name="numerator"/> / <paramref name="denominator"/> in lowest terms.</summary>
    public static Rational Of(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("a fraction with denominator 0");
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        return gcd.IsOne || gcd.IsZero ? new Rational(numerator, denominator) : new Rational(numerator / gcd, denominator / gcd);
    }

    /// <summary>The exact value of a decimal (its 96-bit significand over 10^scale).</summary>
    public static Rational FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var significand = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        var scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0) significand = -significand;
        return Of(significand, BigInteger.Pow(10, scale));
    }

    public static implicit operator Rational(decimal value) => FromDecimal(value);

    public static implicit operator Rational(int value) => new(value, BigInteger.One);

    public static Rational operator +(Rational a, Rational b) =>
        Of(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b) =>
        Of(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);

    public static Rational operator *(Rational a, Rational b) =>
        Of(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    /// <summary>Exact quotient; throws <see cref="DivideByZeroException"/> for a zero divisor (callers check first).</summary>
    public static Rational operator /(Rational a, Rational b)
    {
        if (b.IsZero) throw new DivideByZeroException("division of a rational by zero");
        return Of(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
    }

    public static Rational Abs(Rational a) => a.Sign < 0 ? -a : a;

    public static bool operator ==(Rational a, Rational b) => a.Equals(b);

    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;

    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;

    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;

    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;

    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    // Lowest terms make the representation unique, so equality is equality of the parts.
    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Rational r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <summary>
    /// The largest multiple of 10^-<paramref name="decimals"/> that is not above the square root of this
    /// (non-negative) value: the square root truncated, exact to that many decimals. Integer Newton iteration
    /// on <see cref="BigInteger"/>, so a variance of squared 15-digit figures neither overflows nor rounds.
    /// </summary>
    public Rational SqrtFloor(int decimals)
    {
        if (Sign < 0) throw new ArgumentOutOfRangeException(nameof(decimals), "the square root of a negative value");
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        var scale = BigInteger.Pow(10, decimals);
        // floor(sqrt(n/d) · 10^k) = floor(sqrt(floor(n · 10^2k / d))).
        var root = IntegerSqrt(Numerator * scale * scale / Denominator);
        return Of(root, scale);
    }

    /// <summary>floor(√n) for n ≥ 0 by Newton's method, which decreases monotonically to it from above.</summary>
    private static BigInteger IntegerSqrt(BigInteger n)
    {
        if (n < 2) return n;
        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2); // ≥ √n
        while (true)
        {
            var y = (x + n / x) >> 1;
            if (y >= x) return x;
            x = y;
        }
    }

    /// <summary>
    /// This value rounded to at most <paramref name="decimals"/> places, half away from zero (四舍五入),
    /// with no trailing fractional zeros: the form of <c>ExactDecimal.Format</c> (src/Dongming.Domain/ExactDecimal.cs),
    /// computed from the fraction itself, so values beyond the range of <see cref="decimal"/> are shown too.
    /// </summary>
    public string ToDecimalString(int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        var scale = BigInteger.Pow(10, decimals);
        var scaled = BigInteger.DivRem(BigInteger.Abs(Numerator) * scale, Denominator, out var remainder);
        if (remainder * 2 >= Denominator) scaled += 1;
        var digits = scaled.ToString(CultureInfo.InvariantCulture);
        if (digits.Length <= decimals) digits = new string('0', decimals - digits.Length + 1) + digits;
        var text = new StringBuilder();
        if (Sign < 0 && !scaled.IsZero) text.Append('-');
        text.Append(digits, 0, digits.Length - decimals);
        var fraction = digits[(digits.Length - decimals)..].TrimEnd('0');
        if (fraction.Length > 0) text.Append('.').Append(fraction);
        return text.ToString();
    }

    /// <summary>True when the value is a decimal of at most <paramref name="decimals"/> places (shown without rounding).</summary>
    public bool IsExactAt(int decimals) => (Numerator * BigInteger.Pow(10, decimals) % Denominator).IsZero;

    /// <summary>Reads the exact form of <see cref="ToString"/> ("152180000/7921", "-3", "0").</summary>
    public static bool TryParse(string? text, out Rational value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 4096) return false;
        var slash = text.IndexOf('/');
        var numerator = slash < 0 ? text : text[..slash];
        if (!BigInteger.TryParse(numerator, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return false;
        var d = BigInteger.One;
        if (slash >= 0 && (!BigInteger.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out d) || d.IsZero)) return false;
        value = Of(n, d);
        return true;
    }

    /// <summary>Exact form: "152180000/7921", or the integer alone.</summary>
    public override string ToString() =>
        Denominator.IsOne ? Numerator.ToString(CultureInfo.InvariantCulture) : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>A rational travels (between silos) as its exact text, "152180000/7921": never as a rounded number.</summary>
public sealed class RationalJsonConverter : JsonConverter<Rational>
{
    public override Rational Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Rational.TryParse(reader.GetString(), out var value) ? value : throw new JsonException("not a rational");

    public override void Write(Utf8JsonWriter writer, Rational value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
