namespace Dongming.Domain;

/// <summary>How an indicator behaves over time and across villages.</summary>
public enum IndicatorKind
{
    /// <summary>A level at the end of the period.</summary>
    Stock,
    /// <summary>An amount within the period.</summary>
    Flow,
    /// <summary>A rate in [0, 1]; never summed.</summary>
    Ratio,
}

/// <summary>Who enters an indicator's figures.</summary>
public enum EnteredAt
{
    /// <summary>Each village; summed into the township.</summary>
    Village,
    /// <summary>The township only.</summary>
    Township,
}

/// <summary>An indicator of the catalog (指标).</summary>
public sealed record IndicatorDefinition(
    string Code,
    string NameZh,
    string NameEn,
    string Unit,
    string Category,
    IndicatorKind Kind,
    EnteredAt EnteredAt,
    string? PartOf);

/// <summary>The base units and the form their values must take.</summary>
public static class Units
{
    /// <summary>Units that count whole things: values are whole and non-negative.</summary>
    public static readonly IReadOnlySet<string> Counts = new HashSet<string>(StringComparer.Ordinal)
    {
        "head", "person", "household", "tree", "plot", "building", "times", "person_time", "item",
        "project", "site", "round", "village", "case",
    };

    /// <summary>Money: at most two decimals (fen).</summary>
    public const string Yuan = "yuan";

    /// <summary>A rate between 0 and 1.</summary>
    public const string Ratio = "ratio";

    /// <summary>Every unit the catalog accepts.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(Counts.Concat(["mu", "m2", Yuan, Ratio]), StringComparer.Ordinal);

    /// <summary>
    /// Checks a value against its indicator: counts whole and non-negative, money at most 2 decimals, ratios
    /// in [0, 1]; areas and money non-negative (ledger figures are levels and amounts, never negative).
    /// </summary>
    public static void CheckValue(Violations v, string field, IndicatorDefinition indicator, decimal value)
    {
        if (value < 0) { v.Add(field, $"must not be negative ({indicator.Code} is in {indicator.Unit})"); return; }
        var before = v.Items.Count;
        ValueRange.Check(v, field, value, indicator.Kind == IndicatorKind.Ratio);
        if (v.Items.Count > before) return;
        if (Counts.Contains(indicator.Unit) && decimal.Truncate(value) != value)
            v.Add(field, $"must be a whole number ({indicator.Code} counts {indicator.Unit})");
        else if (indicator.Unit == Yuan && ExactDecimal.Scale(value) > 2)
            v.Add(field, "must have at most 2 decimals (yuan)");
        else if ((indicator.Unit == Ratio || indicator.Kind == IndicatorKind.Ratio) && value > 1)
            v.Add(field, "must be a ratio between 0 and 1 (96.94% is \"0.9694\")");
    }
}

/// <summary>
/// The indicator catalog: immutable, replaced as a whole when an indicator is defined. Definitions never
/// change once made, so a figure reported under a code keeps its meaning.
/// </summary>
public sealed class IndicatorCatalog
{
    private readonly Dictionary<string, IndicatorDefinition> _byCode;
    private readonly Dictionary<string, List<string>> _parts;

    public IndicatorCatalog(IEnumerable<IndicatorDefinition> indicators)
    {
        _byCode = new Dictionary<string, IndicatorDefinition>(StringComparer.Ordinal);
        _parts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var indicator in indicators)
        {
            _byCode[indicator.Code] = indicator;
        }
        foreach (var indicator in _byCode.Values.OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            if (indicator.PartOf is { } parent)
            {
                if (!_parts.TryGetValue(parent, out var list)) _parts[parent] = list = [];
                list.Add(indicator.Code);
            }
        }
    }

    public static IndicatorCatalog Empty { get; } = new([]);

    public int Count => _byCode.Count;

    public IEnumerable<IndicatorDefinition> All => _byCode.Values.OrderBy(i => i.Category, StringComparer.Ordinal).ThenBy(i => i.Code, StringComparer.Ordinal);

    public bool TryGet(string code, out IndicatorDefinition indicator) => _byCode.TryGetValue(code, out indicator!);

    public bool Contains(string code) => _byCode.ContainsKey(code);

    /// <summary>Codes of the direct parts of an indicator (empty for a leaf).</summary>
    public IReadOnlyList<string> PartsOf(string code) => _parts.TryGetValue(code, out var list) ? list : [];

    /// <summary>An indicator with parts is computed as their sum and never entered.</summary>
    public bool IsComputed(string code) => _parts.ContainsKey(code);

    /// <summary>The chain of parents of an indicator, nearest first.</summary>
    public IEnumerable<string> AncestorsOf(string code)
    {
        var seen = 0;
        while (_byCode.TryGetValue(code, out var i) && i.PartOf is { } parent && seen++ < 16)
        {
            yield return parent;
            code = parent;
        }
    }

    /// <summary>
    /// Validates a new definition against this catalog; returns the catalog with it, or this catalog when an
    /// identical definition exists (idempotent).
    /// </summary>
    public IndicatorCatalog With(IndicatorDefinition indicator, bool seeding = false)
    {
        var v = new Violations();
        Text.CheckCode(v, "indicator.code", indicator.Code);
        Text.CheckText(v, "indicator.name_zh", indicator.NameZh, 100, required: true);
        Text.CheckText(v, "indicator.name_en", indicator.NameEn, 200, required: true);
        if (!Units.All.Contains(indicator.Unit ?? string.Empty)) v.Add("indicator.unit", $"must be one of {string.Join(", ", Units.All.Order(StringComparer.Ordinal))}");
        Text.CheckCode(v, "indicator.category", indicator.Category);
        if ((indicator.Kind == IndicatorKind.Ratio) != (indicator.Unit == Units.Ratio)) v.Add("indicator.kind", "ratio indicators (and only they) have the unit ratio");
        if (!string.IsNullOrEmpty(indicator.PartOf)) Text.CheckCode(v, "indicator.part_of", indicator.PartOf);
        v.ThrowIfAny();

        if (_byCode.TryGetValue(indicator.Code, out var existing))
        {
            if (existing == indicator) return this;
            throw new DomainException(ErrorKind.AlreadyExists, $"indicator {indicator.Code} exists with a different definition; definitions never change");
        }
        if (indicator.PartOf is { } parentCode)
        {
            if (!_byCode.TryGetValue(parentCode, out var parent))
                throw DomainException.Invalid("indicator.part_of", $"unknown indicator {parentCode}");
            if (parent.Unit != indicator.Unit || parent.Kind != indicator.Kind || parent.EnteredAt != indicator.EnteredAt)
                throw DomainException.Invalid("indicator.part_of", $"a part must have the unit, kind and entered_at of {parentCode}");
            if (parent.Kind == IndicatorKind.Ratio)
                throw DomainException.Invalid("indicator.part_of", "ratios have no parts");
            if (!seeding && !IsComputed(parentCode))
                throw DomainException.Precondition($"{parentCode} is entered directly; a new part would change the meaning of figures already reported");
        }
        var next = new IndicatorCatalog(_byCode.Values.Append(indicator));
        if (indicator.PartOf is not null)
        {
            var root = next.AncestorsOf(indicator.Code).Last();
            if (next.LeafCount(root) > ValueRange.MaxLeafParts)
                throw DomainException.Invalid("indicator.part_of", $"{root} would have more than {ValueRange.MaxLeafParts} leaf parts (the limit keeps every total exact)");
        }
        return next;
    }

    /// <summary>Number of entered (leaf) indicators summed into <paramref name="code"/> (1 for a leaf).</summary>
    public int LeafCount(string code)
    {
        var parts = PartsOf(code);
        return parts.Count == 0 ? 1 : parts.Sum(LeafCount);
    }
}
