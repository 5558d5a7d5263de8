using System.Collections.Immutable;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <inheritdoc cref="IBannerGrain"/>
/// <remarks>
/// Its state is derived: the membership comes from the directory and every township's part from the township, read
/// when the banner loads (no checkpoint: a banner of 20 townships loads from 20 calls); a township that does not
/// answer then is read again every <see cref="RetryEvery"/>. An unknown banner keeps nothing and answers NotFound.
/// </remarks>
public sealed class BannerGrain(CatalogCache catalogs, BannerTotalsBoard board, TimeProvider clock, ILogger<BannerGrain> logger) : Grain, IBannerGrain
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    private BannerAggregate _aggregate = null!;
    private bool _registered;
    private readonly HashSet<string> _unread = new(StringComparer.Ordinal);
    private IGrainTimer? _retry;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>This activation's answers on the silo's board (null until loaded, and for an unknown banner).</summary>
    private AnswerBoard<BannerTotalsAnswer>.Slot? _boardSlot;

    private string BannerId => this.GetPrimaryKeyString()["banner/".Length..];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _aggregate = new BannerAggregate(BannerId);
        // Answers are put only once the banner is known (GetTotals checks), so an unknown banner's slot stays empty.
        _boardSlot = board.Attach(BannerId, () => _aggregate.Version);
        var info = await GrainFactory.GetGrain<IBannerDirectoryGrain>(BannerKeys.Directory).FindBanner(BannerId);
        _registered = info is not null;
        if (info is null) return;
        foreach (var township in info.TownshipIds) _aggregate.Join(township);
        await ReadPartsAsync(info.TownshipIds);
        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_boardSlot is not null) board.Detach(BannerId, _boardSlot);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Reads the townships' parts and replaces the ones held; returns the townships whose part differed.</summary>
    private async Task<List<string>> ReadPartsAsync(IEnumerable<string> townships)
    {
        var corrected = new List<string>();
        var ids = townships.ToList();
        var reads = ids.Select(async id =>
        {
            try { return (id, part: await GrainFactory.GetGrain<ITownshipGrain>(GrainKeys.Township(id)).GetBannerPart(BannerId), ok: true); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Banner {Banner}: township {Township} did not answer; reading it again shortly", BannerId, id);
                return (id, part: (BannerPartFull?)null, ok: false);
            }
        });
        foreach (var (id, part, ok) in await Task.WhenAll(reads))
        {
            if (!ok) { _unread.Add(id); continue; }
            _unread.Remove(id);
            if (part is not null && _aggregate.Replace(part)) { corrected.Add(id); Changed(); }
        }
        if (_unread.Count > 0) _retry ??= this.RegisterGrainTimer(RetryUnreadAsync, new GrainTimerCreationOptions(RetryEvery, RetryEvery));
        return corrected;
    }

    private async Task RetryUnreadAsync(CancellationToken cancellationToken)
    {
        if (_unread.Count > 0) await ReadPartsAsync([.. _unread]);
        if (_unread.Count == 0) { _retry?.Dispose(); _retry = null; }
    }

    private void Changed()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private void EnsureRegistered()
    {
        if (_registered) return;
        DeactivateOnIdle();
        throw DomainException.NotFound($"banner {BannerId} not found");
    }

    private bool IsMember(string townshipId) => _registered && _aggregate.Parts.ContainsKey(townshipId);

    public Task<bool> Apply(BannerChange change)
    {
        if (!IsMember(change.TownshipId)) return Task.FromResult(true); // not (or no longer known as) a member: nothing to count
        var outcome = _aggregate.Apply(change);
        if (outcome == ChangeOutcome.Applied)
        {
            Changed();
            ServiceMetrics.TotalsUpdateLag.Record(Math.Max(0, (clock.GetUtcNow() - change.At).TotalSeconds));
        }
        return Task.FromResult(outcome != ChangeOutcome.NeedsFullContribution);
    }

    public Task ApplyFull(BannerPartFull part)
    {
        if (IsMember(part.TownshipId) && _aggregate.Replace(part)) Changed();
        return Task.CompletedTask;
    }

    public async Task Join(string townshipId)
    {
        if (!_registered)
        {
            // Activated before the banner was registered (a read of an unknown banner): it is known now.
            _registered = await GrainFactory.GetGrain<IBannerDirectoryGrain>(BannerKeys.Directory).FindBanner(BannerId) is not null;
            if (!_registered) return;
        }
        _aggregate.Join(townshipId);
        await ReadPartsAsync([townshipId]);
    }

    public async Task<BannerTotalsAnswer> GetTotals(string period, ImmutableArray<string> indicators, bool includeBreakdown)
    {
        EnsureRegistered();
        var key = TotalsBoard.Key.Of(period, indicators, includeBreakdown, null);
        if (board.TryGet(_boardSlot, key, out var cached)) return cached; // the same immutable answer until the totals change
        var version = _aggregate.Version;
        var catalog = await catalogs.ForCodesAsync(indicators);
        var answer = _aggregate.Totals(TotalsQuery.Validate(catalog, period, indicators, includeBreakdown), catalog);
        // Kept for this activation and for the gRPC service of this silo (the board), until the totals change.
        if (_boardSlot is not null && version == _aggregate.Version) BannerTotalsBoard.Put(_boardSlot, key, answer);
        return answer;
    }

    public async Task<long> WaitForChange(long knownVersion, TimeSpan timeout)
    {
        EnsureRegistered();
        if (_aggregate.Version != knownVersion) return _aggregate.Version;
        await _changed.Task.WaitAsync(timeout, clock).ContinueWith(_ => { }, TaskScheduler.Current);
        return _aggregate.Version;
    }

    public async Task<BannerRepair> Repair(CancellationToken cancellationToken = default)
    {
        EnsureRegistered();
        var info = await GrainFactory.GetGrain<IBannerDirectoryGrain>(BannerKeys.Directory).GetBanner(BannerId);
        foreach (var township in info.TownshipIds) _aggregate.Join(township);
        var corrected = await ReadPartsAsync(info.TownshipIds);
        var recounted = _aggregate.Recount();
        if (recounted.Count > 0)
        {
            logger.LogWarning("Banner {Banner}: {Count} kept totals differed from the sum of their parts and were recounted", BannerId, recounted.Count);
            Changed();
        }
        corrected.Sort(StringComparer.Ordinal);
        return new BannerRepair(corrected, _aggregate.Version, recounted);
    }
}
