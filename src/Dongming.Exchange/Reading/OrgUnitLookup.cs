using Dongming.Domain;

namespace Dongming.Exchange.Reading;

/// <summary>
/// Finds the org unit a cell names: a village by id or by its Chinese name as on the roster, the township by
/// its id, its name, "镇本级" or "本级". Names are matched exactly (width and spaces folded): "大台村" is not
/// "大台" — a near name is suggested, never taken.
/// </summary>
internal sealed class OrgUnitLookup
{
    private static readonly HashSet<string> OwnWords = Words.Set("镇本级", "本级", "镇级", "township");

    private readonly Dictionary<string, (string Id, OrgUnitLevel Level)> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _sharedNames = new(StringComparer.Ordinal);
    private readonly TownshipInfo _township;
    private readonly IReadOnlyList<VillageInfo> _villages;

    public OrgUnitLookup(TownshipInfo township, IReadOnlyList<VillageInfo> villages)
    {
        _township = township;
        _villages = villages;
        foreach (var v in villages.Where(v => v.TownshipId == township.TownshipId))
        {
            _byKey[Words.Key(v.VillageId)] = (v.VillageId, OrgUnitLevel.Village);
            var name = Words.Key(v.Name);
            if (name.Length == 0) continue;
            if (!_sharedNames.TryGetValue(name, out var ids)) _sharedNames[name] = ids = [];
            ids.Add(v.VillageId);
        }
        foreach (var (name, ids) in _sharedNames)
        {
            if (ids.Count == 1) _byKey.TryAdd(name, (ids[0], OrgUnitLevel.Village));
        }
        var own = (township.TownshipId, OrgUnitLevel.Township);
        _byKey[Words.Key(township.TownshipId)] = own;
        var townshipName = Words.Key(township.Name);
        if (townshipName.Length > 0)
        {
            _byKey.TryAdd(townshipName, own);
            _byKey.TryAdd(townshipName + "本级", own);
            _byKey.TryAdd(townshipName + "(本级)", own);
            _byKey.TryAdd(townshipName + "(镇本级)", own);
        }
        foreach (var w in OwnWords) _byKey.TryAdd(w, own);
    }

    public string TownshipName => _township.Name;

    public bool TryFind(string text, out string id, out OrgUnitLevel level, out string error)
    {
        var key = Words.Key(text);
        if (_byKey.TryGetValue(key, out var found))
        {
            (id, level, error) = (found.Id, found.Level, string.Empty);
            return true;
        }
        (id, level) = (string.Empty, OrgUnitLevel.Village);
        if (_sharedNames.TryGetValue(key, out var ids) && ids.Count > 1)
        {
            error = $"the name \"{text}\" is shared by villages {string.Join(" and ", ids)}: write the village id instead";
            return false;
        }
        var near = _villages.Where(v => v.Name.Length > 0 && key.Length > 0 && (Words.Key(v.Name).Contains(key, StringComparison.Ordinal) || key.Contains(Words.Key(v.Name), StringComparison.Ordinal)))
            .Select(v => $"{v.Name} ({v.VillageId})").Take(3).ToList();
        error = $"unknown village \"{NumberText.Shorten(text)}\": not an id or name on the roster of {_township.Name}" +
            (near.Count > 0 ? $"; did you mean {string.Join(" or ", near)}?" : " (write the village id or its name exactly as on the roster, or 镇本级 for the township's own entries)");
        return false;
    }

    /// <summary>The name to show for an org unit id.</summary>
    public string NameOf(string id) =>
        id == _township.TownshipId ? _township.Name : _villages.FirstOrDefault(v => v.VillageId == id)?.Name ?? id;
}
