using Dongming.Domain;
using Dongming.Grains.Abstractions;

namespace Dongming.Grains;

/// <summary>A township's targets and their progress (<see cref="ITownshipPlanning"/>), from the kept totals.</summary>
public sealed partial class TownshipGrain : ITownshipPlanning
{
    private readonly Dictionary<ProgressQuery, ProgressAnswer> _progress = [];
    private long _progressVersion = -1;

    public Task<TargetList> ListTargets(TargetQuery query)
    {
        EnsureRegistered();
        return Task.FromResult(_aggregate.Targets(query));
    }

    public async Task<ProgressAnswer> GetProgress(ProgressQuery query)
    {
        EnsureRegistered();
        if (_progressVersion != _aggregate.Version) { _progress.Clear(); _progressVersion = _aggregate.Version; }
        if (_progress.TryGetValue(query, out var cached)) return cached; // the same answer until the totals or targets change
        var targets = _aggregate.Targets(new TargetQuery(query.Period, query.OrgUnitId)).Targets;
        var catalog = await catalogs.ForCodesAsync(targets.Select(t => t.Target.Indicator));
        var answer = _aggregate.Progress(query, catalog);
        if (_progress.Count < 256 && _progressVersion == _aggregate.Version) _progress[query] = answer;
        return answer;
    }
}
