using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>An indicator named in a header or a cell, with the unit written beside it.</summary>
internal sealed record NamedIndicator(IndicatorDefinition Definition, UnitScale? Unit, bool MarkedComputed);

/// <summary>
/// Finds indicators by code or Chinese name (name_zh), with an optional unit in brackets — "牛存栏（头）",
/// "特色作物种植面积(万亩)", "livestock_cattle [head]" — and the "[计算]" mark that exports put on computed
/// columns.
/// </summary>
internal sealed class IndicatorNames
{
    /// <summary>The mark of a computed column in exported sheets.</summary>
    public const string ComputedMark = "[计算]";

    private static readonly HashSet<string> ComputedWords = Words.Set("计算", "自动计算", "computed");

    private readonly Dictionary<string, IndicatorDefinition> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _sharedNames = new(StringComparer.Ordinal);
    private readonly IndicatorCatalog _catalog;

    public IndicatorNames(IndicatorCatalog catalog)
    {
        _catalog = catalog;
        foreach (var i in catalog.All)
        {
            var name = Words.Key(i.NameZh);
            if (name.Length == 0) continue;
            if (!_sharedNames.TryGetValue(name, out var codes)) _sharedNames[name] = codes = [];
            codes.Add(i.Code);
        }
        foreach (var (name, codes) in _sharedNames)
        {
            if (codes.Count == 1 && catalog.TryGet(codes[0], out var i)) _byKey[name] = i;
        }
        foreach (var i in catalog.All) _byKey[Words.Key(i.Code)] = i; // a code wins over a name spelled the same
    }

    /// <summary>True when the text names an indicator, whatever its unit says (for recognising header rows).</summary>
    public bool Recognises(string text)
    {
        if (Resolve(text, out _, out _)) return true;
        var t = Words.Clean(text);
        if (Words.SplitBracket(t) is { } marked && ComputedWords.Contains(Words.Key(marked.Inner))) t = marked.Name;
        return Words.SplitBracket(t) is { } split && _byKey.ContainsKey(Words.Key(split.Name));
    }

    public bool Resolve(string text, out NamedIndicator found, out string error)
    {
        found = null!;
        error = string.Empty;
        var t = Words.Clean(text);
        var marked = false;
        if (Words.SplitBracket(t) is { } m && ComputedWords.Contains(Words.Key(m.Inner)))
        {
            marked = true;
            t = m.Name;
        }
        if (_byKey.TryGetValue(Words.Key(t), out var direct))
        {
            found = new NamedIndicator(direct, null, marked);
            return true;
        }
        if (Words.SplitBracket(t) is { } split && _byKey.TryGetValue(Words.Key(split.Name), out var named))
        {
            if (!UnitText.TryParse(split.Inner, out var unit))
            {
                error = $"\"{split.Inner}\" in \"{NumberText.Shorten(text)}\" is not a unit (write e.g. （亩）, （万亩）, （元）, （万元）, （亿元）, （头）, （%）)";
                return false;
            }
            found = new NamedIndicator(named, unit, marked);
            return true;
        }
        var key = Words.Key(t);
        var bareName = Words.SplitBracket(t) is { } b ? Words.Key(b.Name) : key;
        if ((_sharedNames.TryGetValue(key, out var codes) || _sharedNames.TryGetValue(bareName, out codes)) && codes.Count > 1)
        {
            error = $"\"{text}\" is the name of several indicators ({string.Join(", ", codes)}): write the indicator code instead";
            return false;
        }
        var bare = Words.SplitBracket(t) is { } s ? Words.Key(s.Name) : key;
        var near = bare.Length < 2 ? [] : _catalog.All
            .Where(i => Words.Key(i.NameZh) is { Length: > 0 } n && (n.Contains(bare, StringComparison.Ordinal) || bare.Contains(n, StringComparison.Ordinal)))
            .Select(i => $"{i.NameZh} ({i.Code})").Take(3).ToList();
        error = $"unknown indicator \"{NumberText.Shorten(text)}\": not a code or Chinese name in the catalog" +
            (near.Count > 0 ? $"; did you mean {string.Join(" or ", near)}?" : string.Empty);
        return false;
    }
}
