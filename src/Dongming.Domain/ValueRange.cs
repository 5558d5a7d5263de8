namespace Dongming.Domain;

/// <summary>
/// The range of a figure, chosen so that no sum the system keeps can overflow <see cref="decimal"/> or lose a
/// digit. A decimal holds 28–29 significant digits exactly: a sum of values with at most
/// <see cref="MaxDecimals"/> decimals stays exact while it is below about 7.9 × 10^24. With every value below
/// 10^<see cref="MaxIntegerDigits"/> and the structural limits below, the largest sum ever kept — a banner's
/// year (12 months rolled up) of a computed indicator (its leaf parts) over every org unit — has at most
/// 10^15 × (<see cref="MaxLeafParts"/> × <see cref="MaxOrgUnitsPerBanner"/> × 12) ≈ 1.2 × 10^24 as its bound.
/// Values outside the range are refused before anything is written (INVALID_ARGUMENT).
/// </summary>
public static class ValueRange
{
    /// <summary>Integer digits of a value: below 10^15 (999万亿).</summary>
    public const int MaxIntegerDigits = 15;

    /// <summary>Decimals of a summed value (money has at most 2, counts none).</summary>
    public const int MaxDecimals = 4;

    /// <summary>Decimals of a ratio (never summed: 96.94% is 0.9694, 99.875% is 0.99875).</summary>
    public const int MaxRatioDecimals = 6;

    /// <summary>Leaf parts under one computed indicator (all levels of its breakdown together).</summary>
    public const int MaxLeafParts = 100;

    /// <summary>Org units (villages and its own ledger) of one township.</summary>
    public const int MaxOrgUnitsPerTownship = 100_000;

    /// <summary>Org units of all the townships of one banner (旗).</summary>
    public const int MaxOrgUnitsPerBanner = 1_000_000;

    /// <summary>The largest value accepted: 10^15 − 10^-4.</summary>
    public const decimal MaxValue = 999_999_999_999_999.9999m;

    /// <summary>Records a violation when <paramref name="value"/> is outside the range for its kind.</summary>
    public static void Check(Violations v, string field, decimal value, bool ratio)
    {
        var decimals = ratio ? MaxRatioDecimals : MaxDecimals;
        if (decimal.Abs(value) > MaxValue)
            v.Add(field, $"must be below 10^{MaxIntegerDigits} (at most {MaxIntegerDigits} integer digits; the limit keeps every total exact)");
        else if (ExactDecimal.Scale(value) > decimals)
            v.Add(field, $"must have at most {decimals} decimals");
    }
}
