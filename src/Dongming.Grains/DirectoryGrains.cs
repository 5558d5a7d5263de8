using System.Text.Json.Serialization;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;
using Dongming.Storage;
using Microsoft.Extensions.Logging;

namespace Dongming.Grains;

/// <summary>Events of the roster, catalog and case registry streams.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(TownshipRegistered), "township_registered")]
[JsonDerivedType(typeof(VillageRegistered), "village_registered")]
[JsonDerivedType(typeof(VillageRetired), "village_retired")]
[JsonDerivedType(typeof(IndicatorsDefined), "indicators_defined")]
[JsonDerivedType(typeof(CaseTypeDefined), "case_type_defined")]
[JsonDerivedType(typeof(CaseIdAssigned), "case_id_assigned")]
[JsonDerivedType(typeof(ValidationRuleDefined), "validation_rule_defined")]
[JsonDerivedType(typeof(DataSetDefined), "data_set_defined")]
public abstract record DirectoryEvent(EventMeta Meta);

public sealed record TownshipRegistered(EventMeta Meta, TownshipInfo Township) : DirectoryEvent(Meta);

public sealed record VillageRegistered(EventMeta Meta, VillageInfo Village) : DirectoryEvent(Meta);

public sealed record VillageRetired(EventMeta Meta, string VillageId, string FromPeriod, string Reason) : DirectoryEvent(Meta);

public sealed record IndicatorsDefined(EventMeta Meta, IReadOnlyList<IndicatorDefinition> Indicators) : DirectoryEvent(Meta);

public sealed record CaseTypeDefined(EventMeta Meta, CaseTypeDefinition CaseType) : DirectoryEvent(Meta);

public sealed record CaseIdAssigned(EventMeta Meta, string CaseId, string Prefix, int Sequence, string OrgUnitId) : DirectoryEvent(Meta);

/// <summary>A validation rule was defined; it replaces the rule of the same code (built in or defined before).</summary>
public sealed record ValidationRuleDefined(EventMeta Meta, ValidationRule Rule) : DirectoryEvent(Meta);

/// <summary>A data set of a township was defined; it replaces the township's data set of the same code.</summary>
public sealed record DataSetDefined(EventMeta Meta, string TownshipId, DataSet DataSet) : DirectoryEvent(Meta);


/// <summary>State of the roster.</summary>
public sealed class RosterState
{
    public Dictionary<string, TownshipInfo> Townships { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, VillageInfo> Villages { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IRosterGrain"/>
public sealed class RosterGrain(IJournalStore store, TimeProvider clock, ILogger<RosterGrain> logger)
    : EventSourcedGrain<RosterState, DirectoryEvent>(store, logger), IRosterGrain
{
    private readonly Dictionary<string, SortedSet<string>> _byTownship = new(StringComparer.Ordinal);

    protected override void Apply(DirectoryEvent e, long version)
    {
        switch (e)
        {
            case TownshipRegistered t:
                State.Townships[t.Township.TownshipId] = t.Township;
                break;
            case VillageRegistered v:
                State.Villages[v.Village.VillageId] = v.Village;
                Index(v.Village);
                break;
            case VillageRetired r:
                State.Villages[r.VillageId] = State.Villages[r.VillageId] with { RetiredFrom = r.FromPeriod };
                break;
        }
    }

    private void Index(VillageInfo v)
    {
        if (!_byTownship.TryGetValue(v.TownshipId, out var set)) _byTownship[v.TownshipId] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(v.VillageId);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        foreach (var v in State.Villages.Values) Index(v); // snapshot loads skip Apply
    }

    private EventMeta Meta(Actor actor, string requestId) => EventMeta.Of(actor, clock.GetUtcNow(), requestId);

    public async Task<TownshipInfo> RegisterTownship(TownshipInfo township, Actor actor)
    {
        Roster.Check(township);
        if (State.Townships.TryGetValue(township.TownshipId, out var existing))
        {
            if (existing != township) throw new DomainException(ErrorKind.AlreadyExists, $"township {township.TownshipId} exists with a different definition");
        }
        else
        {
            if (State.Villages.ContainsKey(township.TownshipId)) throw new DomainException(ErrorKind.AlreadyExists, $"{township.TownshipId} is already a village id");
            var requestId = "register-township/" + township.TownshipId;
            await PersistAsync(new TownshipRegistered(Meta(actor, requestId), township), requestId, Reporting.Fingerprint(township.ToString()));
        }
        // Also on a retry: a first attempt may have stopped between the roster's write and the ledger's.
        await GrainFactory.GetGrain<ILedgerGrain>(GrainKeys.Ledger(township.TownshipId))
            .Register(new OrgUnitInfo(township.TownshipId, OrgUnitLevel.Township, township.TownshipId, township.Name, VillageKind.Unknown), actor);
        return township;
    }

    public async Task<VillageInfo> RegisterVillage(VillageInfo village, Actor actor)
    {
        village = village.AsRegistered();
        Roster.Check(village);
        if (!State.Townships.ContainsKey(village.TownshipId)) throw DomainException.NotFound($"township {village.TownshipId} not found");
        if (State.Villages.TryGetValue(village.VillageId, out var existing))
        {
            if (existing.AsRegistered() != village)
                throw DomainException.Precondition($"village {village.VillageId} is registered with a different name, kind, township or active_from");
            village = existing;
        }
        else
        {
            if (State.Townships.ContainsKey(village.VillageId)) throw new DomainException(ErrorKind.AlreadyExists, $"{village.VillageId} is already a township id");
            if ((_byTownship.GetValueOrDefault(village.TownshipId)?.Count ?? 0) + 1 >= ValueRange.MaxOrgUnitsPerTownship)
                throw DomainException.Precondition($"township {village.TownshipId} has {ValueRange.MaxOrgUnitsPerTownship} org units, the most one township holds (the limit keeps every total exact)");
            var requestId = "register-village/" + village.VillageId;
            await PersistAsync(new VillageRegistered(Meta(actor, requestId), village), requestId, Reporting.Fingerprint(village.ToString()));
        }
        // Also on a retry: the ledger may have missed its registration if the first attempt failed half way.
        await GrainFactory.GetGrain<ILedgerGrain>(GrainKeys.Ledger(village.VillageId))
            .Register(new OrgUnitInfo(village.VillageId, OrgUnitLevel.Village, village.TownshipId, village.Name, village.Kind), actor);
        return village;
    }

    public async Task<VillageInfo> RetireVillage(RetireCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var retire = Roster.Validate(command);
        if (!State.Villages.TryGetValue(retire.VillageId, out var village)) throw DomainException.NotFound($"village {retire.VillageId} not found");
        if (village.RetiredFrom is { } from && from != retire.FromPeriod.ToString())
            throw DomainException.Precondition($"village {retire.VillageId} is already retired from {from}");
        if (village.RetiredFrom is null)
        {
            await PersistAsync(new VillageRetired(Meta(actor, retire.RequestId), retire.VillageId, retire.FromPeriod.ToString(), retire.Reason), retire.RequestId, retire.Fingerprint, cancellationToken);
        }
        // Also on a retry: the ledger's write completes what the roster's began.
        await GrainFactory.GetGrain<ILedgerGrain>(GrainKeys.Ledger(retire.VillageId)).Retire(retire, actor, cancellationToken);
        return State.Villages[retire.VillageId];
    }

    public Task<TownshipInfo?> GetTownship(string townshipId) => Task.FromResult(State.Townships.GetValueOrDefault(townshipId));

    public Task<TownshipRoster> DescribeTownship(string townshipId) =>
        Task.FromResult(State.Townships.TryGetValue(townshipId, out var t)
            ? new TownshipRoster(t, _byTownship.TryGetValue(townshipId, out var s) ? s.Count : 0)
            : throw DomainException.NotFound($"township {townshipId} not found"));

    public Task<VillagePage> ListVillages(string townshipId, int pageSize, string? pageToken)
    {
        var v = new Violations();
        var size = PageToken.Size(v, pageSize, 100, 1000);
        var after = PageToken.Decode(v, pageToken);
        if (after is not null && !Text.IsOrgUnitId(after)) v.Add("page_token", "is not a token this service issued");
        v.ThrowIfAny();
        if (!State.Townships.ContainsKey(townshipId)) throw DomainException.NotFound($"township {townshipId} not found");
        var ids = _byTownship.GetValueOrDefault(townshipId) ?? [];
        var page = ids.Where(id => after is null || string.CompareOrdinal(id, after) > 0).Take(size + 1).Select(id => State.Villages[id]).ToList();
        return Task.FromResult(page.Count > size
            ? new VillagePage([.. page.Take(size)], PageToken.Encode(page[size - 1].VillageId))
            : new VillagePage(page, null));
    }

    public Task<IReadOnlyList<string>> OrgUnitsOf(string townshipId)
    {
        IReadOnlyList<string> units = State.Townships.ContainsKey(townshipId)
            ? [townshipId, .. _byTownship.TryGetValue(townshipId, out var s) ? s : []]
            : [];
        return Task.FromResult(units);
    }

    public Task<IReadOnlyList<VillageInfo>?> VillagesOf(string townshipId) =>
        Task.FromResult<IReadOnlyList<VillageInfo>?>(State.Townships.ContainsKey(townshipId)
            ? [.. (_byTownship.GetValueOrDefault(townshipId) ?? []).Select(id => State.Villages[id])]
            : null);

    public Task<IReadOnlyList<string>> TownshipIds() => Task.FromResult<IReadOnlyList<string>>([.. State.Townships.Keys.Order(StringComparer.Ordinal)]);
}

/// <summary>State of the catalog.</summary>
public sealed class CatalogState
{
    public List<IndicatorDefinition> Indicators { get; set; } = [];
    public List<CaseTypeDefinition> CaseTypes { get; set; } = [];
    /// <summary>The defined validation rules in force, by code (the last definition of each).</summary>
    public Dictionary<string, DefinedRule> Rules { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The data sets in force, by "township|code" (the last definition of each).</summary>
    public Dictionary<string, DataSetDefinition> DataSets { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="ICatalogGrain"/>
public sealed class CatalogGrain(IJournalStore store, TimeProvider clock, ILogger<CatalogGrain> logger)
    : EventSourcedGrain<CatalogState, DirectoryEvent>(store, logger), ICatalogGrain
{
    private IndicatorCatalog _catalog = IndicatorCatalog.Empty;
    private CatalogSnapshot? _snapshot;

    protected override void Apply(DirectoryEvent e, long version)
    {
        switch (e)
        {
            case IndicatorsDefined d:
                State.Indicators.AddRange(d.Indicators);
                break;
            case CaseTypeDefined t:
                State.CaseTypes.Add(t.CaseType);
                break;
            case ValidationRuleDefined r:
                State.Rules[r.Rule.Code] = new DefinedRule(r.Rule, r.Meta.Actor, r.Meta.ActorName, r.Meta.At);
                break;
            case DataSetDefined d:
                State.DataSets[$"{d.TownshipId}|{d.DataSet.Code}"] = new DataSetDefinition(d.TownshipId, d.DataSet, d.Meta.Actor, d.Meta.ActorName, d.Meta.At);
                break;
        }
        if (e is IndicatorsDefined) _catalog = new IndicatorCatalog(State.Indicators);
        _snapshot = null;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        _catalog = new IndicatorCatalog(State.Indicators);
    }

    private EventMeta Meta(Actor actor, string requestId) => EventMeta.Of(actor, clock.GetUtcNow(), requestId);

    public async Task<IReadOnlyList<IndicatorDefinition>> DefineIndicators(IReadOnlyList<IndicatorDefinition> indicators, string requestId, Actor actor)
    {
        var v = new Violations();
        Text.CheckRequestId(v, "request_id", requestId);
        if (indicators.Count == 0) v.Add("indicator", "is required");
        v.ThrowIfAny();
        var catalog = _catalog;
        var added = new List<IndicatorDefinition>();
        var newCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var indicator in indicators)
        {
            // A parent defined in the same batch may receive parts: no figure was reported under it yet.
            var next = catalog.With(indicator, seeding: indicator.PartOf is { } p && newCodes.Contains(p));
            if (!ReferenceEquals(next, catalog)) { added.Add(indicator); newCodes.Add(indicator.Code); }
            catalog = next;
        }
        if (added.Count > 0)
        {
            var fingerprint = Reporting.Fingerprint(indicators.Select(i => i.ToString()));
            await PersistAsync(new IndicatorsDefined(Meta(actor, requestId), added), requestId, fingerprint);
        }
        return [.. indicators.Select(i => { _catalog.TryGet(i.Code, out var d); return d; })];
    }

    public async Task<CaseTypeDefinition> DefineCaseType(CaseTypeDefinition caseType, string requestId, Actor actor)
    {
        CaseTypeDefinition.Check(caseType);
        var v = new Violations();
        Text.CheckRequestId(v, "request_id", requestId);
        v.ThrowIfAny();
        if (State.CaseTypes.FirstOrDefault(t => t.Code == caseType.Code) is { } existing)
        {
            if (existing == caseType) return existing;
            throw new DomainException(ErrorKind.AlreadyExists, $"case type {caseType.Code} exists with a different definition");
        }
        await PersistAsync(new CaseTypeDefined(Meta(actor, requestId), caseType), requestId, Reporting.Fingerprint(caseType.ToString()));
        return caseType;
    }

    public async Task<DefinedRule> DefineValidationRule(RuleDraft rule, string requestId, Actor actor)
    {
        var compiled = ValidationRules.Validate(_catalog, rule, requestId).Rule;
        if (State.Rules.TryGetValue(compiled.Code, out var current) && current.Rule == compiled) return current;
        var (_, replay) = await PersistAsync(new ValidationRuleDefined(Meta(actor, requestId), compiled), requestId, RuleDefinitions.Fingerprint(compiled));
        if (replay is not null && Deserialize(replay.Payload) is ValidationRuleDefined first) return new DefinedRule(first.Rule, first.Meta.Actor, first.Meta.ActorName, first.Meta.At);
        return State.Rules[compiled.Code];
    }

    public async Task<DataSetDefinition> DefineDataSet(string townshipId, DataSet dataSet, string requestId, Actor actor)
    {
        // The roster answers whether the township exists and which villages it holds.
        var villages = Text.IsOrgUnitId(townshipId) ? await GrainFactory.GetGrain<IRosterGrain>(GrainKeys.Roster).VillagesOf(townshipId) : null;
        DataSets.Validate(_catalog, townshipId, villages?.Select(x => x.VillageId).ToHashSet(StringComparer.Ordinal), dataSet, requestId);
        if (State.DataSets.TryGetValue($"{townshipId}|{dataSet.Code}", out var current) && DataSets.Same(current.DataSet, dataSet)) return current;
        var (_, replay) = await PersistAsync(new DataSetDefined(Meta(actor, requestId), townshipId, dataSet), requestId, DataSets.Fingerprint(townshipId, dataSet));
        if (replay is not null && Deserialize(replay.Payload) is DataSetDefined first) return new DataSetDefinition(first.TownshipId, first.DataSet, first.Meta.Actor, first.Meta.ActorName, first.Meta.At);
        return State.DataSets[$"{townshipId}|{dataSet.Code}"];
    }

    public Task<CatalogSnapshot> GetIndicators() => Task.FromResult(_snapshot ??= new CatalogSnapshot(Version, [.. State.Indicators],
        [.. State.Rules.Values.OrderBy(r => r.Rule.Code, StringComparer.Ordinal)],
        [.. State.DataSets.Values.OrderBy(d => d.TownshipId, StringComparer.Ordinal).ThenBy(d => d.DataSet.Code, StringComparer.Ordinal)]));

    public Task<long> GetVersion() => Task.FromResult(Version);

    public Task<IReadOnlyList<CaseTypeDefinition>> GetCaseTypes() => Task.FromResult<IReadOnlyList<CaseTypeDefinition>>([.. State.CaseTypes.OrderBy(t => t.Code, StringComparer.Ordinal)]);
}

/// <summary>State of the case registry.</summary>
public sealed class CaseRegistryState
{
    public Dictionary<string, string> Locations { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> LastSequence { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="ICaseRegistryGrain"/>
public sealed class CaseRegistryGrain(IJournalStore store, TimeProvider clock, ILogger<CaseRegistryGrain> logger)
    : EventSourcedGrain<CaseRegistryState, DirectoryEvent>(store, logger), ICaseRegistryGrain
{
    protected override void Apply(DirectoryEvent e, long version)
    {
        if (e is CaseIdAssigned a)
        {
            State.Locations[a.CaseId] = a.OrgUnitId;
            State.LastSequence[a.Prefix] = Math.Max(State.LastSequence.GetValueOrDefault(a.Prefix), a.Sequence);
        }
    }

    public async Task<string> Assign(string prefix, string orgUnitId, string requestKey)
    {
        var fingerprint = Reporting.Fingerprint(prefix, orgUnitId);
        if (await FindReplayAsync(requestKey, fingerprint) is { } replay)
            return ((CaseIdAssigned)Deserialize(replay.Payload)).CaseId;
        var sequence = State.LastSequence.GetValueOrDefault(prefix) + 1;
        var caseId = $"{prefix}-{sequence:D4}";
        var (_, again) = await PersistAsync(new CaseIdAssigned(EventMeta.Of(Actor.System, clock.GetUtcNow(), requestKey), caseId, prefix, sequence, orgUnitId), requestKey, fingerprint);
        return again is null ? caseId : ((CaseIdAssigned)Deserialize(again.Payload)).CaseId;
    }

    public Task<string?> Locate(string caseId) => Task.FromResult(State.Locations.GetValueOrDefault(caseId));
}
