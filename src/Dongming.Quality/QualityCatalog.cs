using Dongming.Domain;

namespace Dongming.Quality;

/// <summary>A validation rule as defined in the catalog: the rule, and who defined it when (the audit trail).</summary>
public sealed record DefinedRule(ValidationRule Rule, string DefinedBy, string DefinedByName, DateTimeOffset DefinedAt);

/// <summary>A data set as defined for a township: the data set, and who defined it when.</summary>
public sealed record DataSetDefinition(string TownshipId, DataSet DataSet, string DefinedBy, string DefinedByName, DateTimeOffset DefinedAt);

/// <summary>Where a rule of the catalog comes from.</summary>
public enum RuleSource
{
    /// <summary>Derived from the indicator catalog (<see cref="BuiltInRules"/>).</summary>
    BuiltIn,

    /// <summary>Defined by an admin.</summary>
    Defined,

    /// <summary>Defined by an admin under the code of a built-in rule, which it replaces (a changed bound).</summary>
    Redefined,
}

/// <summary>A rule in force: compiled, with where it comes from and, when defined, who defined it.</summary>
public sealed record CatalogRule(CompiledRule Compiled, RuleSource Source, DefinedRule? Definition)
{
    public ValidationRule Rule => Compiled.Rule;

    public string Code => Compiled.Code;
}

/// <summary>
/// The quality part of the catalog at one version: the rules in force — every built-in rule of the indicator catalog,
/// except where a defined rule of the same code replaces it, and every defined rule — and the data sets of each
/// township. Immutable; built once per catalog version (src/Dongming.Grains/CatalogCache.cs).
/// </summary>
public sealed class QualityCatalog
{
    private readonly Dictionary<string, CatalogRule> _rules;
    private readonly Dictionary<string, List<CatalogRule>> _byIndicator;
    private readonly Dictionary<string, SortedDictionary<string, DataSetDefinition>> _dataSets;

    public QualityCatalog(IndicatorCatalog indicators, IEnumerable<DefinedRule> defined, IEnumerable<DataSetDefinition> dataSets)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(defined);
        ArgumentNullException.ThrowIfNull(dataSets);
        Indicators = indicators;
        var builtIn = BuiltInRules.For(indicators).Rules.ToDictionary(r => r.Code, StringComparer.Ordinal);
        _rules = new Dictionary<string, CatalogRule>(StringComparer.Ordinal);
        foreach (var rule in builtIn.Values)
        {
            if (TryCompile(indicators, rule) is { } compiled) _rules[rule.Code] = new CatalogRule(compiled, RuleSource.BuiltIn, null);
        }
        foreach (var definition in defined)
        {
            // Indicators are never removed, so a rule that compiled when defined compiles now; a stored one that does not is left out.
            if (TryCompile(indicators, definition.Rule) is not { } compiled) continue;
            _rules[definition.Rule.Code] = new CatalogRule(compiled, builtIn.ContainsKey(definition.Rule.Code) ? RuleSource.Redefined : RuleSource.Defined, definition);
        }
        Rules = [.. _rules.Values.OrderBy(r => r.Code, StringComparer.Ordinal)];
        _byIndicator = new Dictionary<string, List<CatalogRule>>(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            foreach (var code in rule.Compiled.Left.Indicators.Concat(rule.Compiled.Right.Indicators).Distinct(StringComparer.Ordinal))
            {
                if (!_byIndicator.TryGetValue(code, out var list)) _byIndicator[code] = list = [];
                list.Add(rule);
            }
        }
        _dataSets = new Dictionary<string, SortedDictionary<string, DataSetDefinition>>(StringComparer.Ordinal);
        foreach (var d in dataSets)
        {
            if (!_dataSets.TryGetValue(d.TownshipId, out var byCode)) _dataSets[d.TownshipId] = byCode = new SortedDictionary<string, DataSetDefinition>(StringComparer.Ordinal);
            byCode[d.DataSet.Code] = d;
        }
    }

    public static QualityCatalog Empty { get; } = new(IndicatorCatalog.Empty, [], []);

    /// <summary>The indicator catalog the rules were compiled against.</summary>
    public IndicatorCatalog Indicators { get; }

    /// <summary>The rules in force, ordered by code.</summary>
    public IReadOnlyList<CatalogRule> Rules { get; }

    public CatalogRule? Rule(string code) => _rules.GetValueOrDefault(code);

    /// <summary>The rules that name any of <paramref name="codes"/> on either side, each once, ordered by code.</summary>
    public IReadOnlyList<CatalogRule> RulesNaming(IEnumerable<string> codes) =>
        [.. codes.SelectMany(c => _byIndicator.GetValueOrDefault(c) ?? []).DistinctBy(r => r.Code).OrderBy(r => r.Code, StringComparer.Ordinal)];

    /// <summary>The data sets of a township, ordered by code.</summary>
    public IReadOnlyList<DataSetDefinition> DataSetsOf(string townshipId) =>
        _dataSets.TryGetValue(townshipId, out var byCode) ? [.. byCode.Values] : [];

    public DataSetDefinition? DataSet(string townshipId, string code) =>
        _dataSets.TryGetValue(townshipId, out var byCode) ? byCode.GetValueOrDefault(code) : null;

    private static CompiledRule? TryCompile(IndicatorCatalog indicators, ValidationRule rule)
    {
        try
        {
            return ValidationRules.Compile(indicators, rule);
        }
        catch (DomainException)
        {
            return null;
        }
    }
}

/// <summary>Defining data sets.</summary>
public static class DataSets
{
    /// <summary>
    /// Validates a data set definition for a township: the township id (NOT_FOUND when <paramref name="villages"/> is null:
    /// no such township), the data set's fields (<see cref="Completeness.Check(Violations, IndicatorCatalog, DataSet)"/>)
    /// and the request id; listed villages must be on the township's roster. Every problem at once.
    /// </summary>
    public static void Validate(IndicatorCatalog catalog, string? townshipId, IReadOnlySet<string>? villages, DataSet dataSet, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", townshipId);
        if (Text.IsOrgUnitId(townshipId) && villages is null) v.AddUnknown("township_id", $"township {townshipId} not found");
        Text.CheckRequestId(v, "request_id", requestId);
        Completeness.Check(v, catalog, dataSet);
        if (villages is not null && dataSet.OrgUnitIds is { } listed)
        {
            for (var i = 0; i < listed.Count; i++)
            {
                if (Text.IsOrgUnitId(listed[i]) && !villages.Contains(listed[i]))
                    v.AddUnknown($"data_set.org_unit_ids[{i}]", $"village {listed[i]} is not on the roster of township {townshipId}");
            }
        }
        v.ThrowIfAny();
    }

    /// <summary>The fingerprint of a definition (a retry with the same request id must carry the same one).</summary>
    public static string Fingerprint(string townshipId, DataSet d) => Reporting.Fingerprint(
        ["data_set", townshipId, d.Code, d.NameZh, d.PeriodKind.ToString(), d.DueDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
         string.Join(",", d.Indicators), d.OrgUnitIds is null ? null : string.Join(",", d.OrgUnitIds)]);

    /// <summary>True when two definitions say the same (lists compared by content).</summary>
    public static bool Same(DataSet a, DataSet b) =>
        a.Code == b.Code && a.NameZh == b.NameZh && a.PeriodKind == b.PeriodKind && a.DueDays == b.DueDays
        && a.Indicators.SequenceEqual(b.Indicators, StringComparer.Ordinal)
        && (a.OrgUnitIds is null ? b.OrgUnitIds is null : b.OrgUnitIds is not null && a.OrgUnitIds.SequenceEqual(b.OrgUnitIds, StringComparer.Ordinal));
}

/// <summary>Defining validation rules.</summary>
public static class RuleDefinitions
{
    /// <summary>The fingerprint of a definition.</summary>
    public static string Fingerprint(ValidationRule r) => Reporting.Fingerprint(
        "rule", r.Code, r.NameZh, r.Left, r.Operator.ToString(), r.Right, r.Tolerance is { } t ? ExactDecimal.Format(t) : null, r.Importance.ToString(),
        r.PeriodKind?.ToString(), r.Scope.ToString(), r.Description);
}
