using Dongming.Grains.Abstractions;
using Dongming.Server.Settings;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Hosting;

/// <summary>
/// Activates every registered township as the server starts (<see cref="GrainsOptions.LoadTownshipsAtStart"/>): a
/// township of 10,000 villages takes seconds to load its checkpoint, and this way that time overlaps the rest of the
/// start instead of being added to the first read. The server does not wait for it; a township that cannot load now
/// is loaded by its first call, as without the warm-up.
/// </summary>
public sealed class TownshipWarmUp(IGrainFactory grains, IOptions<GrainsOptions> options, ILogger<TownshipWarmUp> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _warming = Task.CompletedTask;

    /// <summary>Completes when every township was asked to load (or the warm-up gave up, or is off); never faults.</summary>
    public Task Completion => _warming;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.LoadTownshipsAtStart) _warming = Task.Run(() => WarmAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task WarmAsync(CancellationToken cancellationToken)
    {
        try
        {
            var townships = await grains.GetGrain<IRosterGrain>(GrainKeys.Roster).TownshipIds();
            await Parallel.ForEachAsync(townships, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (id, _) => await grains.GetGrain<ITownshipGrain>(GrainKeys.Township(id)).Load());
            logger.LogInformation("{Count} townships loaded at start", townships.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning("Townships not all loaded at start ({Error}); each loads at its first call", e.GetType().Name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _warming.WaitAsync(cancellationToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _stopping.Dispose();
    }
}
