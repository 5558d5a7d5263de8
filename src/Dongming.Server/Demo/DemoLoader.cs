using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Dongming.Quality;
using Dongming.Server.Settings;
using Dongming.Storage;
using Microsoft.Extensions.Options;

namespace Dongming.Server.Demo;

/// <summary>
/// Loads the 2023 dataset on first start (Dongming:Demo:Load), then the 2024 plan's targets. Every write carries a
/// fixed request id, so a second run — or several silos starting at once — applies nothing twice; a marker stream
/// per part skips the work once it is done (so a server that loaded 2023 before targets existed gets them once).
/// Where the report names the villages carrying a figure, only they carry it; every other split across villages is
/// illustrative (the reports say so in their comment). The data sets the report implies are defined
/// (<see cref="DataSets"/>); a village whose illustrative share of a figure of the yearly ledger is nothing enters 0,
/// as a ledger does, so every village's yearly report is complete.
/// </summary>
public sealed class DemoLoader(IGrainFactory grains, IJournalStore store, IOptions<DemoOptions> options, ILogger<DemoLoader> logger) : IHostedService
{
    private const string MarkerStream = "demo/dongming-2023";
    private const string TargetsMarkerStream = "demo/dongming-2024-targets";
    private static readonly Actor Loader = Actor.System;

    /// <summary>Figures the report ties to named villages (carried_by), and how many villages carry them.</summary>
    private static readonly Dictionary<string, (string[] Named, int Count, bool OneEach)> Carried = new(StringComparer.Ordinal)
    {
        ["crop_silage_maize_area"] = (["datai", "xiaotai", "taiji"], 18, false),
        ["water_saving_area"] = (["menghehaolai", "yingtu", "harula"], 3, false),
        ["specialised_breeding_cow_village"] = ([], 6, true),
        ["specialised_feeder_cattle_village"] = ([], 2, true),
        ["specialised_mutton_sheep_village"] = ([], 4, true),
        ["minority_development_fund"] = (["aduwusu"], 1, false),
        ["greening_projects_completed"] = (["daitong", "nanta", "nannailin"], 5, true),
        ["greening_maintenance_sites"] = (["shangnailin", "shuanghexing", "yingtu"], 23, true),
        ["revitalisation_fund_invested"] = (["gachadianzi"], 1, false),
        ["fiscal_fund_elderly_centre"] = (["dongmingcun"], 1, false),
    };

    /// <summary>How often a load interrupted by the cluster (a silo declared dead mid-load) is started again.</summary>
    private const int Attempts = 5;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Load) return;
        // Every write carries a fixed request id, so a load cut short by a silo leaving the cluster is simply run
        // again: what landed replays, the rest is applied.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await LoadOnceAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < Attempts && IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Demo load interrupted ({Error}); starting it again ({Attempt}/{Attempts})", ex.GetType().Name, attempt + 1, Attempts);
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }
    }

    /// <summary>Failures a retry may fix: the cluster changing under the load, not a fault of the data.</summary>
    private static bool IsTransient(Exception ex) => ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
        or Orleans.Runtime.Messaging.ConnectionFailedException;

    private async Task LoadOnceAsync(CancellationToken cancellationToken)
    {
        var versions = await store.GetVersionsAsync([MarkerStream, TargetsMarkerStream], cancellationToken);
        var data = DemoDataset.Load();
        if (versions.GetValueOrDefault(MarkerStream) > 0)
        {
            logger.LogInformation("Demo dataset already loaded");
        }
        else
        {
            var started = DateTimeOffset.UtcNow;
            await LoadAsync(grains, data, cancellationToken);
            await store.AppendAsync(new AppendRequest(MarkerStream, 0, [new NewEvent("demo_loaded", "{}"u8.ToArray(), "done", "done")]), cancellationToken);
            logger.LogInformation("Loaded the 2023 dataset of {Township}: {Villages} villages, {Indicators} indicators, in {Elapsed:F1} s",
                data.Township.Name, data.Villages.Count, data.Indicators.Count, (DateTimeOffset.UtcNow - started).TotalSeconds);
        }
        if (versions.GetValueOrDefault(TargetsMarkerStream) > 0) return;
        await LoadTargetsAsync(grains, data, cancellationToken);
        await store.AppendAsync(new AppendRequest(TargetsMarkerStream, 0, [new NewEvent("demo_loaded", "{}"u8.ToArray(), "done", "done")]), cancellationToken);
        logger.LogInformation("Loaded the 2024 targets of {Township}: {Targets} targets", data.Township.Name, data.Targets2024.Count);
    }

    /// <summary>
    /// Defines the indicators the 2024 plan needs, then sets its targets for the township as a whole (the township's
    /// own ledger; judged on the township totals), each with the plan's wording as its note.
    /// </summary>
    public static async Task LoadTargetsAsync(IGrainFactory grains, DemoDataset data, CancellationToken cancellationToken)
    {
        await grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog).DefineIndicators(DemoDataset.PlanIndicators, "demo-2024-plan-catalog", Loader);
        var township = grains.GetGrain<ILedgerTargets>(GrainKeys.Ledger(data.Township.TownshipId));
        foreach (var (code, period, value, direction, quote) in data.Targets2024)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await township.SetTarget(new SetTargetCommand(data.Township.TownshipId, code, period, ExactDecimal.Format(value), direction,
                $"demo-{period}-target-{code}", quote), Loader, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task LoadAsync(IGrainFactory grains, DemoDataset data, CancellationToken cancellationToken)
    {
        var catalog = grains.GetGrain<ICatalogGrain>(GrainKeys.Catalog);
        await catalog.DefineIndicators(data.Indicators, "demo-2023-catalog", Loader);
        foreach (var type in data.CaseTypes) await catalog.DefineCaseType(type, "demo-2023-case-type-" + type.Code, Loader);
        var roster = grains.GetGrain<IRosterGrain>(GrainKeys.Roster);
        await roster.RegisterTownship(data.Township, Loader);
        foreach (var v in data.Villages) await roster.RegisterVillage(v, Loader);
        foreach (var set in DataSets(data)) await catalog.DefineDataSet(data.Township.TownshipId, set, "demo-2023-data-set-" + set.Code, Loader);

        var reports = SplitFigures(data);
        await Task.WhenAll(reports.Select(async r =>
        {
            var lines = r.Value.Select(f => new ReportLine(f.Indicator, ExactDecimal.Format(f.Value), f.AtLeast)).ToList();
            await grains.GetGrain<ILedgerGrain>(GrainKeys.Ledger(r.Key)).ReportValues(new ReportCommand(r.Key, "2023", lines, "demo-2023-values-" + r.Key,
                "2023 work report (政府工作报告). Figures of villages the report names are theirs; any other split across villages is illustrative (示例分配)."), Loader);
        }));

        var cases = DemoCases.Build(data);
        await Task.WhenAll(cases.GroupBy(c => c.OrgUnitId).Select(async group =>
        {
            var ledger = grains.GetGrain<ILedgerGrain>(GrainKeys.Ledger(group.Key));
            foreach (var c in group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var opened = await ledger.OpenCase(c.Command, Loader);
                // Transition k always expects case version k (opened = 1), whatever the answers say: another silo
                // loading at the same time may be ahead, and then this request is a replay with the same body.
                var step = 0;
                foreach (var (to, on, note) in c.Transitions)
                {
                    step++;
                    await ledger.TransitionCase(new TransitionCaseCommand(opened.CaseId, to, step, note, $"{c.Command.RequestId}-t{step}", CaseDates.Format(on)), Loader);
                }
            }
        }));
    }

    /// <summary>The yearly village ledger (村级年度台账): the data set of every village's year.</summary>
    public const string YearlyLedger = "village_ledger_yearly";

    /// <summary>The quarterly poverty-monitoring screening (防返贫动态监测季度摸排): four rounds a year.</summary>
    public const string PovertyScreening = "poverty_monitoring_quarterly";

    /// <summary>
    /// The data sets the 2023 report implies. The yearly village ledger holds every figure the report places in every
    /// village — entered by villages, not computed, tied to no named villages (carried_by empty in township-2023.tsv;
    /// figures of named villages, such as the water-saving project of three, are not every village's to report); due a
    /// month after the year. The poverty-monitoring screening is quarterly (the report's 4 rounds a year): each round's
    /// newly identified households and persons, natural decreases and increases, and member transfers; due 10 days
    /// after the quarter. The report gives only the year's movements, so the demo holds no quarterly round.
    /// </summary>
    public static IReadOnlyList<DataSet> DataSets(DemoDataset data)
    {
        var catalog = new IndicatorCatalog(data.Indicators);
        var yearly = data.Township2023
            .Where(f => f.CarriedBy.Length == 0 && catalog.TryGet(f.Code, out var i) && i.EnteredAt == EnteredAt.Village && !catalog.IsComputed(f.Code))
            .Select(f => f.Code).ToList();
        return
        [
            new DataSet(YearlyLedger, "村级年度台账", PeriodKind.Year, yearly, null, 31),
            new DataSet(PovertyScreening, "防返贫动态监测季度摸排", PeriodKind.Quarter,
                ["monitored_new_households", "monitored_new_persons", "monitored_natural_decrease", "monitored_natural_increase",
                 "monitored_transfer_households", "monitored_transfer_persons"], null, 10),
        ];
    }

    /// <summary>Per org unit, the 2023 figures it reports, so that every township total equals the report's figure.</summary>
    public static Dictionary<string, List<ReportedFigure>> SplitFigures(DemoDataset data)
    {
        var catalog = new IndicatorCatalog(data.Indicators);
        var villages = data.Villages.Select(v => v.VillageId).ToList();
        var reports = new Dictionary<string, List<ReportedFigure>>(StringComparer.Ordinal);
        foreach (var (code, total, atLeast, carriedBy) in data.Township2023)
        {
            // A figure the report gives only as a lower bound is one in every part of its split too.
            void Add(string unit, string code, decimal value)
            {
                if (!reports.TryGetValue(unit, out var list)) reports[unit] = list = [];
                list.Add(new ReportedFigure(code, value, atLeast));
            }

            if (!catalog.TryGet(code, out var indicator) || catalog.IsComputed(code)) continue; // parents follow from their parts
            if (indicator.EnteredAt == EnteredAt.Township || carriedBy == "township") { Add(data.Township.TownshipId, code, total); continue; }
            if (Carried.TryGetValue(code, out var carried))
            {
                var chosen = carried.Named.Concat(Ranked(villages, code).Where(v => !carried.Named.Contains(v))).Take(carried.Count).ToList();
                var rest = total;
                if (carried.OneEach)
                {
                    foreach (var v in chosen) Add(v, code, 1);
                    rest -= chosen.Count;
                    if (rest > 0) Add(data.Township.TownshipId, code, rest); // the town area (镇区), entered by the township
                    continue;
                }
                foreach (var (v, share) in Split(total, chosen, code)) Add(v, code, share);
                continue;
            }
            var receivers = Units.Counts.Contains(indicator.Unit) && total < villages.Count ? Ranked(villages, code).Take((int)total).ToList() : villages;
            foreach (var (v, share) in Split(total, receivers, code)) Add(v, code, share);
        }
        // The yearly ledger is every village's: where the illustrative split leaves a village nothing, its ledger says 0.
        var yearly = DataSets(data).Single(d => d.Code == YearlyLedger).Indicators;
        foreach (var village in villages)
        {
            if (!reports.TryGetValue(village, out var list)) reports[village] = list = [];
            var held = list.Select(f => f.Indicator).ToHashSet(StringComparer.Ordinal);
            list.AddRange(yearly.Where(code => !held.Contains(code)).Select(code => new ReportedFigure(code, 0m)));
        }
        return reports;
    }

    /// <summary>Villages in a fixed order that differs per figure (so small figures land on different villages).</summary>
    private static IEnumerable<string> Ranked(IEnumerable<string> villages, string code) => villages.OrderBy(v => Weight(v, code)).ThenBy(v => v, StringComparer.Ordinal);

    private static int Weight(string village, string code)
    {
        var h = 17;
        foreach (var c in village + "/" + code) h = unchecked(h * 31 + c);
        return 1 + (int)((uint)h % 9);
    }

    /// <summary>Splits a whole total over villages by illustrative weights; the shares add up exactly.</summary>
    private static IEnumerable<(string Village, decimal Share)> Split(decimal total, IReadOnlyList<string> villages, string code)
    {
        var weights = villages.Select(v => (decimal)Weight(v, code)).ToList();
        var sum = weights.Sum();
        var shares = weights.Select(w => decimal.Floor(total * w / sum)).ToList();
        var remainder = total - shares.Sum();
        for (var i = 0; remainder > 0; i = (i + 1) % shares.Count)
        {
            var step = Math.Min(1, remainder);
            shares[i] += step;
            remainder -= step;
        }
        return villages.Select((v, i) => (v, shares[i])).Where(x => x.Item2 > 0);
    }
}
