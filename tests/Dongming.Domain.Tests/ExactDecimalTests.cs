using System.Globalization;

namespace Dongming.Domain.Tests;

public class ExactDecimalTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("274000000", "274000000")]
    [InlineData("0.9694", "0.9694")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("1.50", "1.5")]
    [InlineData("12106", "12106")]
    [InlineData("0.0000001", "0.0000001")]
    [InlineData("1234567890123456789012345678", "1234567890123456789012345678")]
    [InlineData("-9999999999999999999999999999", "-9999999999999999999999999999")]
    [InlineData("0.1234567890123456789012345678", "0.1234567890123456789012345678")]
    [InlineData("12345678901234.56789012345678", "12345678901234.56789012345678")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    public void TryParse_PlainDecimal_IsAcceptedWithExactValue(string text, string expectedFormatted)
    {
        Assert.True(ExactDecimal.TryParse(text, out var value, out var error), error);
        Assert.Equal(string.Empty, error);
        Assert.Equal(expectedFormatted, ExactDecimal.Format(value));
    }

    [Fact]
    public void TryParse_TwentyEightDigits_KeepsEveryDigit()
    {
        Assert.True(ExactDecimal.TryParse("1234567890123456789012345678", out var value, out _));
        // Independent of the parser: build the same number from two exact halves.
        var expected = 12345678901234m * 100000000000000m + 56789012345678m;
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1E5")]
    [InlineData("1.5e-3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("+1")]
    [InlineData("1,000")]
    [InlineData("1_000")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1\n")]
    [InlineData("1\t")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("-.5")]
    [InlineData("01")]
    [InlineData("-01")]
    [InlineData("00.5")]
    [InlineData("--1")]
    [InlineData("-")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("١٢")]
    [InlineData("１２")]
    [InlineData("\u22121")]
    [InlineData("12345678901234567890123456789")]
    [InlineData("1.2345678901234567890123456789")]
    [InlineData("0.00000000000000000000000000001")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("99999999999999999999999999999999")]
    public void TryParse_NonPlainOrTooLong_IsRejected(string text)
    {
        Assert.False(ExactDecimal.TryParse(text, out _, out var error));
        Assert.NotEqual(string.Empty, error);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1 ")]
    [InlineData("1\n")]
    [InlineData("0.5\n")]
    [InlineData("+1")]
    public void TryParse_NotPlain_SaysWhatFormIsExpected(string text)
    {
        Assert.False(ExactDecimal.TryParse(text, out _, out var error));
        Assert.StartsWith("must be a plain decimal", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345678901234567890123456789")]
    [InlineData("1.2345678901234567890123456789")]
    public void TryParse_TooManyDigits_SaysSo(string text)
    {
        Assert.False(ExactDecimal.TryParse(text, out _, out var error));
        Assert.Contains("28 significant digits", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParse_Missing_IsRequired(string? text)
    {
        Assert.False(ExactDecimal.TryParse(text, out _, out var error));
        Assert.Equal("is required", error);
    }

    [Fact]
    public void Parse_Invalid_RecordsViolationForField()
    {
        var v = new Violations();
        Assert.Null(ExactDecimal.Parse(v, "values[3].value", "1e5"));
        Assert.Equal("values[3].value", Assert.Single(v.Items).Field);
    }

    [Fact]
    public void Parse_Valid_RecordsNoViolation()
    {
        var v = new Violations();
        Assert.Equal(0.9694m, ExactDecimal.Parse(v, "x", "0.9694"));
        Assert.False(v.Any);
    }

    public static TheoryData<decimal, string> FormatCases => new()
    {
        { 0.0000001m, "0.0000001" },
        { 1.500m, "1.5" },
        { 100m, "100" },
        { 100.00m, "100" },
        { 0m, "0" },
        { 0.000m, "0" },
        { -0.0m, "0" },
        { -1.50m, "-1.5" },
        { 274000000m, "274000000" },
        { 0.9694m, "0.9694" },
        { 1e-28m, "0.0000000000000000000000000001" },
        { 1e27m, "1000000000000000000000000000" },
        { decimal.MaxValue, "79228162514264337593543950335" },
        { decimal.MinValue, "-79228162514264337593543950335" },
    };

    [Theory]
    [MemberData(nameof(FormatCases))]
    public void Format_Value_IsPlainWithoutTrailingZerosOrExponent(decimal value, string expected)
    {
        var text = ExactDecimal.Format(value);
        Assert.Equal(expected, text);
        Assert.DoesNotContain('E', text);
        Assert.DoesNotContain('e', text);
    }

    [Theory]
    [InlineData("1.500", 1)]
    [InlineData("100", 0)]
    [InlineData("100.000", 0)]
    [InlineData("12.34", 2)]
    [InlineData("12.340", 2)]
    [InlineData("0.125", 3)]
    public void Scale_IgnoresTrailingZeros(string text, int expected)
    {
        // Parsed from text so the literal's trailing zeros survive ("1.500" has scale 3 inside decimal).
        var value = decimal.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(expected, ExactDecimal.Scale(value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void FormatThenParse_RandomDecimals_RoundTripExactly(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var scale = (byte)rng.Next(0, 29);
            var value = new decimal(rng.Next(), rng.Next(), rng.Next(), rng.Next(2) == 0, scale);
            var text = ExactDecimal.Format(value);
            var ok = ExactDecimal.TryParse(text, out var back, out var error);
            var digits = text.TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0').Length;
            if (digits <= ExactDecimal.MaxSignificantDigits)
            {
                Assert.True(ok, $"{text}: {error}");
                Assert.Equal(value, back);
                Assert.Equal(text, ExactDecimal.Format(back));
            }
            else
            {
                Assert.False(ok, text);
            }
        }
    }
}
