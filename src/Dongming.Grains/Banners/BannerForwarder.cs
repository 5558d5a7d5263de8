using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <summary>
/// A township's forwarding of its changed totals to its banner, off the ledgers' write path: a change marks the
/// totals it touched, and a one-shot timer <see cref="Delay"/> later (interleaving with the township's calls, so a
/// ledger's Apply never waits for the banner) sends what changed since the last send as one <see cref="BannerChange"/>
/// — or the whole part when the banner's version of it does not line up (a gap, a new activation, a repair). A failed
/// send is retried every <see cref="RetryEvery"/>. Staleness bound: a banner reflects a township's change about
/// <see cref="Delay"/> plus one grain call after the township applied it, while both are up; after a failure, within
/// <see cref="RetryEvery"/> of the banner answering again; after a crash, at the township's next activation (it sends
/// its whole part) or the banner's (it reads every township's).
/// </summary>
internal sealed class BannerForwarder
{
    /// <summary>How long changes are coalesced before they are sent.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a failed send is tried again.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    private readonly string _townshipId;
    private readonly Func<TownshipAggregate> _aggregate;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly IGrainTimer _timer;
    private readonly string _epoch = Guid.NewGuid().ToString("N");
    private HashSet<string> _dirty = new(StringComparer.Ordinal);
    private bool _whole = true; // the first send of an activation is the whole part
    private long _sentVersion = -1;
    private string? _banner;
    private bool _bannerKnown;
    private bool _armed;
    private bool _sending;

    public BannerForwarder(Grain township, string townshipId, Func<TownshipAggregate> aggregate, IGrainFactory grains, TimeProvider clock, ILogger logger)
    {
        _townshipId = townshipId;
        _aggregate = aggregate;
        _grains = grains;
        _clock = clock;
        _logger = logger;
        _timer = township.RegisterGrainTimer(SendAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = true });
        Arm(Delay); // looks the banner up once; a member sends its whole part (a banner may hold one from before a crash)
    }

    /// <summary>The township applied a change of these totals ("period|indicator"; null: any of them).</summary>
    public void Changed(IEnumerable<string>? keys)
    {
        if (_bannerKnown && _banner is null) return;
        if (keys is null) _whole = true;
        else if (!_whole) _dirty.UnionWith(keys);
        Arm(Delay);
    }

    /// <summary>The township's whole part, for its banner (which from now on receives its changes).</summary>
    public BannerPartFull PartFor(string bannerId)
    {
        _banner = bannerId;
        _bannerKnown = true;
        var aggregate = _aggregate();
        return new BannerPartFull(_townshipId, _epoch, aggregate.Version, aggregate.BannerFigures(), _clock.GetUtcNow());
    }

    /// <summary>Sends what is pending now (on deactivation); a failure is logged, the banner catches up when it next loads.</summary>
    public async Task FlushAsync()
    {
        if (_sending || (!_whole && _dirty.Count == 0)) return;
        await SendAsync(CancellationToken.None);
    }

    private void Arm(TimeSpan due)
    {
        if (_armed || _sending) return;
        _armed = true;
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        _armed = false;
        _sending = true;
        var retry = false;
        try
        {
            if (!_bannerKnown)
            {
                _banner = await _grains.GetGrain<IBannerDirectoryGrain>(BannerKeys.Directory).BannerOf(_townshipId);
                _bannerKnown = true;
            }
            if (_banner is null)
            {
                _dirty.Clear();
                _whole = false;
                return;
            }
            var banner = _grains.GetGrain<IBannerGrain>(BannerKeys.Banner(_banner));
            var aggregate = _aggregate();
            if (!_whole && _sentVersion >= 0)
            {
                // Read now, in this turn: the keys and the figures at one version of the township's totals.
                var keys = _dirty;
                _dirty = new HashSet<string>(StringComparer.Ordinal);
                var version = aggregate.Version;
                if (version == _sentVersion) return;
                var change = new BannerChange(_townshipId, _epoch, _sentVersion, version, keys.ToDictionary(k => k, aggregate.BannerFigureOf, StringComparer.Ordinal), _clock.GetUtcNow());
                if (await banner.Apply(change))
                {
                    _sentVersion = Math.Max(_sentVersion, version);
                    return;
                }
                aggregate = _aggregate();
            }
            _whole = false;
            _dirty.Clear();
            var whole = new BannerPartFull(_townshipId, _epoch, aggregate.Version, aggregate.BannerFigures(), _clock.GetUtcNow());
            await banner.ApplyFull(whole);
            _sentVersion = whole.Version;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The township's totals are right; only the banner is behind. It gets the whole part at the next try.
            _logger.LogWarning(e, "Township {Township}: banner {Banner} not updated; retrying", _townshipId, _banner ?? "(unknown)");
            _whole = true;
            retry = true;
        }
        finally
        {
            _sending = false;
            if (retry) Arm(RetryEvery);
            else if (_whole || _dirty.Count > 0) Arm(Delay);
        }
    }
}
