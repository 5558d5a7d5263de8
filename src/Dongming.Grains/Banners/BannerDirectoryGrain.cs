using System.Text.Json.Serialization;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Storage;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <summary>Events of the banner directory's stream (<see cref="BannerKeys.Directory"/>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(BannerRegistered), "banner_registered")]
[JsonDerivedType(typeof(TownshipJoinedBanner), "township_joined_banner")]
public abstract record BannerEvent(EventMeta Meta);

public sealed record BannerRegistered(EventMeta Meta, string BannerId, string Name) : BannerEvent(Meta);

/// <summary>A township joined a banner; <see cref="OrgUnits"/> is how many org units it held then (for the banner's limit).</summary>
public sealed record TownshipJoinedBanner(EventMeta Meta, string BannerId, string TownshipId, int OrgUnits) : BannerEvent(Meta);

/// <summary>One banner as the directory keeps it.</summary>
public sealed class BannerRecord
{
    public string Name { get; set; } = string.Empty;
    public SortedSet<string> Townships { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Org units of its townships, counted when each joined.</summary>
    public int OrgUnits { get; set; }
}

/// <summary>State of the banner directory.</summary>
public sealed class BannerDirectoryState
{
    public Dictionary<string, BannerRecord> Banners { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Township → its banner.</summary>
    public Dictionary<string, string> Members { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IBannerDirectoryGrain"/>
public sealed class BannerDirectoryGrain(IJournalStore store, TimeProvider clock, ILogger<BannerDirectoryGrain> logger)
    : EventSourcedGrain<BannerDirectoryState, BannerEvent>(store, logger), IBannerDirectoryGrain
{
    protected override void Apply(BannerEvent e, long version)
    {
        switch (e)
        {
            case BannerRegistered r:
                State.Banners[r.BannerId] = new BannerRecord { Name = r.Name };
                break;
            case TownshipJoinedBanner j:
                var banner = State.Banners[j.BannerId];
                banner.Townships.Add(j.TownshipId);
                banner.OrgUnits += j.OrgUnits;
                State.Members[j.TownshipId] = j.BannerId;
                break;
        }
    }

    private EventMeta Meta(Actor actor, string requestId) => EventMeta.Of(actor, clock.GetUtcNow(), requestId);

    private BannerInfo? Info(string bannerId) =>
        State.Banners.TryGetValue(bannerId, out var b) ? new BannerInfo(bannerId, b.Name, [.. b.Townships]) : null;

    public async Task<BannerInfo> RegisterBanner(string bannerId, string name, Actor actor)
    {
        BannerRules.CheckRegistration(bannerId, name);
        if (BannerRules.IsNew(Info(bannerId), bannerId, name))
        {
            var requestId = "register-banner/" + bannerId;
            await PersistAsync(new BannerRegistered(Meta(actor, requestId), bannerId, name), requestId, Reporting.Fingerprint(bannerId, name));
        }
        return Info(bannerId)!;
    }

    public async Task<BannerInfo> AddTownship(string bannerId, string townshipId, Actor actor)
    {
        BannerRules.CheckMembership(bannerId, townshipId);
        if (!State.Banners.TryGetValue(bannerId, out var banner)) throw DomainException.NotFound($"banner {bannerId} not found");
        // The roster answers whether the township exists (NotFound otherwise) and how many villages it holds.
        var roster = await GrainFactory.GetGrain<IRosterGrain>(GrainKeys.Roster).DescribeTownship(townshipId);
        if (BannerRules.Join(bannerId, townshipId, State.Members.GetValueOrDefault(townshipId), banner.OrgUnits, roster.VillageCount + 1))
        {
            var requestId = "join-banner/" + townshipId;
            await PersistAsync(new TownshipJoinedBanner(Meta(actor, requestId), bannerId, townshipId, roster.VillageCount + 1), requestId, Reporting.Fingerprint(bannerId, townshipId));
        }
        // Also on a retry: a first attempt may have stopped between the directory's write and the banner's count.
        await GrainFactory.GetGrain<IBannerGrain>(BannerKeys.Banner(bannerId)).Join(townshipId);
        return Info(bannerId)!;
    }

    public Task<BannerInfo> GetBanner(string bannerId) =>
        Task.FromResult(Info(bannerId) ?? throw DomainException.NotFound($"banner {bannerId} not found"));

    public Task<BannerInfo?> FindBanner(string bannerId) => Task.FromResult(Info(bannerId));

    public Task<string?> BannerOf(string townshipId) => Task.FromResult(State.Members.GetValueOrDefault(townshipId));
}
