using System.CommandLine;
using System.Globalization;
using Dongming.Contracts.V1;

namespace Dongming.Cli.Commands;

/// <summary>villages, indicators, values, totals, cases: what a cadre or the township's staff read.</summary>
internal static class ReadCommands
{
    public static void Add(RootCommand root, CliApp.Builder app)
    {
        root.Add(Villages(app));
        root.Add(Indicators(app));
        root.Add(Values(app));
        root.Add(Totals(app));
        root.Add(Cases(app));
    }

    private static Command Villages(CliApp.Builder app)
    {
        var command = new Command("villages", "The township's roster: its villages (嘎查村), ordered by id.");
        CliApp.Builder.Example(command, "dongming villages", "dongming villages --township dongming --output csv");
        app.Action(command, async (s, _) =>
        {
            var villages = await Lookups.VillagesAsync(s, s.Township);
            var answer = new ListVillagesResponse();
            answer.Villages.AddRange(villages);
            var sheet = new Sheet(null, new Column("village_id"), new Column("name"), new Column("kind"), new Column("active_from"), new Column("retired_from"));
            foreach (var v in villages) sheet.Add(v.VillageId, v.Name, Words.Show(v.Kind), v.ActiveFrom, v.RetiredFrom);
            s.Show(answer, new View().With(sheet));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Indicators(CliApp.Builder app)
    {
        var category = new Option<string?>("--category") { Description = "only this category (agriculture, livestock, ecology, labour, social_security, safety, …)" };
        var command = new Command("indicators", "The catalog's indicators (指标): code, Chinese name, unit, kind, who enters them, parts.") { category };
        CliApp.Builder.Example(command, "dongming indicators", "dongming indicators --category livestock");
        app.Action(command, async (s, r) =>
        {
            var answer = await s.Catalog.ListIndicatorsAsync(new ListIndicatorsRequest { Category = r.GetValue(category) ?? "" }, s.Call());
            var sheet = new Sheet(null, new Column("code"), new Column("name"), new Column("unit"), new Column("category"), new Column("kind"),
                new Column("entered_at"), new Column("part_of"), new Column("computed"));
            foreach (var i in answer.Indicators)
                sheet.Add(i.Code, i.NameZh, i.Unit, i.Category, Words.Show(i.Kind), Words.Show(i.EnteredAt), i.PartOf, i.Computed ? "computed" : "");
            s.Show(answer, new View().With(sheet));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Values(CliApp.Builder app)
    {
        var org = new Argument<string>("ORG") { Description = "a village id, or the township id for its own entries (镇本级)" };
        var period = new Argument<string>("PERIOD") { Description = "2023, 2023Q4 or 2023-11" };
        var indicators = new Option<string[]>("--indicator") { Description = "only these indicators (repeat, or comma-separated)", HelpName = "CODE" };
        var command = new Command("values", "A village's figures of a period as they stand (rolled up from quarters or months where not entered).")
        {
            org, period, indicators,
        };
        CliApp.Builder.Example(command, "dongming values datai 2023", "dongming values datai 2024Q1 --indicator livestock_sheep,livestock_cattle", "dongming values dongming 2023 --output json");
        app.Action(command, async (s, r) =>
        {
            var request = new GetValuesRequest { OrgUnitId = r.GetValue(org)!, Period = r.GetValue(period)! };
            request.Indicators.AddRange(List(r.GetValue(indicators)));
            var answer = await s.Reporting.GetValuesAsync(request, s.Call());
            var names = await Lookups.IndicatorsAsync(s);
            var sheet = new Sheet(null, new Column("indicator"), new Column("name"), new Column("value", true), new Column("unit"),
                new Column("notes"), new Column("reported_by"), new Column("reported_at"));
            foreach (var v in answer.Values)
            {
                var notes = Render.Flags((v.Computed, "computed"), (v.Partial, "partial"), (v.RolledUp, "from " + string.Join('+', v.FromPeriods)));
                sheet.Add(v.Indicator, names.Name(v.Indicator), Render.Figure(v.Value, v.AtLeast), v.Unit, notes,
                    v.ReportedByName.Length > 0 ? v.ReportedByName : v.ReportedBy, Render.Time(v.ReportedAt));
            }
            s.Show(answer, new View()
                .Fact("org unit", answer.OrgUnitId)
                .Fact("period", answer.Period)
                .Fact("version", answer.Version.ToString(CultureInfo.InvariantCulture))
                .With(sheet));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Totals(CliApp.Builder app)
    {
        var period = new Argument<string>("PERIOD") { Description = "2023, 2023Q4 or 2023-11" };
        var breakdown = new Option<bool>("--breakdown") { Description = "each org unit's part of every total (township staff and admins)" };
        var indicators = new Option<string[]>("--indicator") { Description = "only these indicators (repeat, or comma-separated)", HelpName = "CODE" };
        var compare = new Option<string?>("--compare") { Description = "a period to compare with (2022 for 2023: 同比; 2023Q3 for 2023Q4: 环比)", HelpName = "PERIOD" };
        var command = new Command("totals", "The township's live totals (镇汇总) of a period: its own entries plus the sum of its villages.")
        {
            period, breakdown, indicators, compare,
        };
        CliApp.Builder.Example(command, "dongming totals 2023", "dongming totals 2023 --indicator crop_silage_maize_area --breakdown",
            "dongming totals 2024 --compare 2023 --output csv > totals-2024.csv");
        app.Action(command, async (s, r) =>
        {
            var request = new GetTotalsRequest
            {
                TownshipId = s.Township,
                Period = r.GetValue(period)!,
                IncludeBreakdown = r.GetValue(breakdown),
                ComparePeriod = r.GetValue(compare) ?? "",
            };
            request.Indicators.AddRange(List(r.GetValue(indicators)));
            var answer = await s.Townships.GetTotalsAsync(request, s.Call());
            var names = await Lookups.IndicatorsAsync(s);
            var comparing = answer.ComparePeriod.Length > 0;
            var columns = new List<Column> { new("indicator"), new("name"), new("total", true), new("unit"), new("villages", true), new("notes") };
            if (comparing) columns.AddRange([new Column(answer.ComparePeriod, true), new Column("change", true), new Column("change_ratio", true)]);
            var sheet = new Sheet(null, [.. columns]);
            foreach (var t in answer.Totals)
            {
                var notes = Render.Flags((t.Computed, "computed"), (t.PartialUnits > 0, $"partial in {t.PartialUnits}"),
                    (t.RolledUpUnits > 0, "from " + string.Join('+', t.FromPeriods)), (t.RecordHigh, "record high"));
                var cells = new List<string> { t.Indicator, names.Name(t.Indicator), Render.Figure(t.Value, t.AtLeast), t.Unit,
                    t.VillagesReporting.ToString(CultureInfo.InvariantCulture), notes };
                if (comparing) cells.AddRange([Render.Figure(t.ComparedValue, t.ComparedAtLeast), t.Change, t.ChangeRatio]);
                sheet.Add([.. cells]);
            }
            var view = new View()
                .Fact("township", answer.TownshipId)
                .Fact("period", answer.Period)
                .Fact("as of", Render.Time(answer.AsOf))
                .Fact("version", answer.Version.ToString(CultureInfo.InvariantCulture))
                .With(sheet);
            if (request.IncludeBreakdown)
            {
                var orgNames = await Lookups.OrgUnitNamesAsync(s, s.Township);
                var parts = new Sheet("breakdown", new Column("indicator"), new Column("name"), new Column("org_unit"), new Column("org_unit_name"),
                    new Column("value", true), new Column("notes"));
                foreach (var t in answer.Totals)
                {
                    foreach (var c in t.Breakdown)
                        parts.Add(t.Indicator, names.Name(t.Indicator), c.OrgUnitId, orgNames.Name(c.OrgUnitId), Render.Figure(c.Value, c.AtLeast),
                            Render.Flags((c.Partial, "partial"), (c.RolledUp, "rolled up")));
                }
                view.With(parts);
                view.CsvSheet = parts;
            }
            s.Show(answer, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The filters of ListCases, shared with <c>export cases</c>.</summary>
    internal sealed class CaseFilter
    {
        public Option<string?> Overdue { get; } = new("--overdue") { Description = "only cases open and past their deadline as of this date (YYYY-MM-DD)", HelpName = "DATE" };
        public Option<string?> Status { get; } = new("--status") { Description = $"only this status ({Words.StatusWords}; or 整改中, CASE_STATUS_…)" };
        public Option<string?> Village { get; } = new("--village") { Description = "only this village's cases (or the township id for its own)", HelpName = "ID" };
        public Option<string?> Type { get; } = new("--type") { Description = "only this case type (e.g. forest_violation_patch)", HelpName = "CODE" };
        public Option<string?> Batch { get; } = new("--batch") { Description = "only this batch (e.g. 2023-3)" };
        public Option<int?> DueWithin { get; } = new("--due-within") { Description = "only open cases due within this many days (not yet overdue)", HelpName = "DAYS" };

        public void AddTo(Command command)
        {
            foreach (var o in new Option[] { Overdue, Status, Village, Type, Batch, DueWithin }) command.Add(o);
        }

        public ListCasesRequest Request(Session s, ParseResult r) => new()
        {
            TownshipId = s.Township,
            OverdueAsOf = r.GetValue(Overdue) ?? "",
            Status = r.GetValue(Status) is { } status ? Words.Status(status, "--status") : CaseStatus.Unspecified,
            VillageId = r.GetValue(Village) ?? "",
            CaseType = r.GetValue(Type) ?? "",
            Batch = r.GetValue(Batch) ?? "",
            DueWithinDays = r.GetValue(DueWithin) ?? 0,
        };
    }

    private static Command Cases(CliApp.Builder app)
    {
        var filter = new CaseFilter();
        var limit = new Option<int?>("--limit") { Description = "at most this many cases (default: every matching case)", HelpName = "N" };
        var command = new Command("cases", "Remediation cases of the township, sorted by deadline (filters combine).");
        filter.AddTo(command);
        command.Add(limit);
        CliApp.Builder.Example(command, "dongming cases --overdue 2024-06-01", "dongming cases --status rectifying --type forest_violation_patch --batch 2023-3",
            "dongming cases --village datai --output csv > datai-cases.csv", "dongming cases --due-within 7");
        app.Action(command, async (s, r) =>
        {
            var request = filter.Request(s, r);
            var max = r.GetValue(limit);
            if (max is <= 0) throw new UsageException("--limit must be positive");
            request.PageSize = Math.Min(500, max ?? 500);
            var answer = new ListCasesResponse();
            do
            {
                var page = await s.Cases.ListCasesAsync(request, s.Call());
                answer.Cases.AddRange(page.Cases);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0 && (max is null || answer.Cases.Count < max));
            while (max is { } m && answer.Cases.Count > m) answer.Cases.RemoveAt(answer.Cases.Count - 1);
            if (max is { } && request.PageToken.Length > 0) answer.NextPageToken = request.PageToken;
            var names = await Lookups.OrgUnitNamesAsync(s, s.Township);
            var sheet = new Sheet(null, new Column("case_id"), new Column("village"), new Column("name"), new Column("type"), new Column("batch"),
                new Column("title"), new Column("status"), new Column("deadline"), new Column("overdue"), new Column("version", true));
            foreach (var c in answer.Cases)
                sheet.Add(c.CaseId, c.VillageId, names.Name(c.VillageId), c.CaseType, c.Batch, c.Title, Words.Show(c.Status), c.Deadline,
                    c.Overdue ? "overdue" : "", c.Version.ToString(CultureInfo.InvariantCulture));
            s.Show(answer, new View().Fact("cases", answer.Cases.Count.ToString(CultureInfo.InvariantCulture)).With(sheet));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static IEnumerable<string> List(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
