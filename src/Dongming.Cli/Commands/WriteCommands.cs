using System.CommandLine;
using System.Globalization;
using Dongming.Contracts.V1;

namespace Dongming.Cli.Commands;

/// <summary>report, and case open|move|show|history: what a cadre enters and the township's staff chase.</summary>
internal static class WriteCommands
{
    public static void Add(RootCommand root, CliApp.Builder app)
    {
        root.Add(Report(app));
        root.Add(Case(app));
    }

    private static Option<string?> RequestId() => new("--request-id")
    {
        Description = "the write's id: sending it again applies once and answers as the first time (default: a new id per run)",
        HelpName = "ID",
    };

    private static Command Report(CliApp.Builder app)
    {
        var org = new Argument<string>("ORG") { Description = "a village id, or the township id for its own entries (镇本级)" };
        var period = new Argument<string>("PERIOD") { Description = "2023, 2023Q4 or 2023-11" };
        var pairs = new Argument<string[]>("CODE=VALUE") { Description = "indicator code and exact decimal value; >=30 (or ≥30) for a lower bound (30余)", Arity = ArgumentArity.OneOrMore };
        var requestId = RequestId();
        var comment = new Option<string?>("--comment") { Description = "kept with the report (e.g. the ledger page)" };
        var command = new Command("report", "Report a village's figures for a period (ReportValues): every value checked, all or nothing.")
        {
            org, period, pairs, requestId, comment,
        };
        CliApp.Builder.Example(command,
            "dongming report datai 2024Q1 livestock_sheep=2650 livestock_breeding_cows=1210 --comment 台账第3页",
            "dongming report datai 2023 labour_output_income=>=274000000 --request-id datai-2023-income-1");
        app.Action(command, async (s, r) =>
        {
            var request = new ReportValuesRequest
            {
                OrgUnitId = r.GetValue(org)!,
                Period = r.GetValue(period)!,
                RequestId = r.GetValue(requestId) ?? Words.NewRequestId("report"),
                Comment = r.GetValue(comment) ?? "",
            };
            foreach (var pair in r.GetValue(pairs) ?? []) request.Values.Add(Pair(pair));
            var answer = await s.Reporting.ReportValuesAsync(request, s.Call());
            var warnings = new Sheet("warnings", new Column("rule"), new Column("name"), new Column("left"), new Column("operator"), new Column("right"),
                new Column("left_value", true), new Column("right_value", true));
            foreach (var w in answer.Warnings) warnings.Add(w.Rule, w.RuleName, w.Left, w.Operator.ToString(), w.Right, w.LeftValue, w.RightValue);
            var view = new View()
                .Fact("org unit", answer.OrgUnitId)
                .Fact("period", request.Period)
                .Fact("values", request.Values.Count.ToString(CultureInfo.InvariantCulture))
                .Fact("version", answer.Version.ToString(CultureInfo.InvariantCulture))
                .Fact("request id", request.RequestId)
                .Fact("replayed", answer.Replayed ? "yes (sent before: nothing applied this time)" : "no");
            if (answer.Warnings.Count > 0) view.With(warnings);
            s.Show(answer, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>code=value</c>, <c>code=&gt;=value</c> or <c>code=≥value</c> (a lower bound).</summary>
    internal static IndicatorValue Pair(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1) throw new UsageException($"{text}: expected CODE=VALUE (e.g. livestock_sheep=2650)");
        var value = text[(eq + 1)..].Trim();
        var atLeast = false;
        foreach (var prefix in new[] { ">=", "≥" })
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                value = value[prefix.Length..].Trim();
                atLeast = true;
            }
        }
        if (value.Length == 0) throw new UsageException($"{text}: no value after the lower-bound mark");
        return new IndicatorValue { Indicator = text[..eq].Trim(), Value = value, AtLeast = atLeast };
    }

    private static Command Case(CliApp.Builder app)
    {
        var command = new Command("case", "One remediation case: open it, move it through its lifecycle, show it and its history.");
        command.Add(Open(app));
        command.Add(Move(app));
        command.Add(Show(app));
        command.Add(History(app));
        CliApp.Builder.Example(command, "dongming case open datai safety_hazard 路口缺少警示标志 --deadline 2026-12-31 --batch 2026",
            "dongming case move safety_hazard-2026-0001 rectifying", "dongming case show safety_hazard-2026-0001");
        return command;
    }

    private static Command Open(CliApp.Builder app)
    {
        var village = new Argument<string>("VILLAGE") { Description = "the village (or the township id for its own case)" };
        var type = new Argument<string>("TYPE") { Description = "case type code (dongming indicators lists indicators; case types: forest_violation_patch, safety_hazard, …)" };
        var title = new Argument<string>("TITLE") { Description = "short title, 1..200 characters" };
        var deadline = new Option<string>("--deadline") { Description = "rectification deadline (YYYY-MM-DD)", HelpName = "DATE", Required = true };
        var batch = new Option<string?>("--batch") { Description = "batch, YYYY-N (e.g. 2023-3)" };
        var description = new Option<string?>("--description") { Description = "what was found" };
        var category = new Option<string?>("--category") { Description = "lowercase code, e.g. road_traffic, fire, housing" };
        var source = new Option<string?>("--source") { Description = $"where it came from ({Words.SourceWords})" };
        var assignee = new Option<string?>("--assignee") { Description = "person or office responsible" };
        var openedOn = new Option<string?>("--opened-on") { Description = "date opened (default today)", HelpName = "DATE" };
        var area = new Option<string?>("--area-mu") { Description = "area in mu (patches), exact decimal", HelpName = "MU" };
        var longitude = new Option<string?>("--longitude") { Description = "WGS84 longitude (with --latitude)" };
        var latitude = new Option<string?>("--latitude") { Description = "WGS84 latitude (with --longitude)" };
        var note = new Option<string?>("--note") { Description = "kept in the case's history" };
        var requestId = RequestId();
        var command = new Command("open", "Open a case (OpenCase); the server gives its id.")
        {
            village, type, title, deadline, batch, description, category, source, assignee, openedOn, area, longitude, latitude, note, requestId,
        };
        CliApp.Builder.Example(command, "dongming case open datai safety_hazard 路口缺少警示标志 --deadline 2026-12-31 --batch 2026 --category road_traffic --source inspection");
        app.Action(command, async (s, r) =>
        {
            var request = new OpenCaseRequest
            {
                VillageId = r.GetValue(village)!,
                CaseType = r.GetValue(type)!,
                Title = r.GetValue(title)!,
                Deadline = r.GetValue(deadline)!,
                Batch = r.GetValue(batch) ?? "",
                Description = r.GetValue(description) ?? "",
                Category = r.GetValue(category) ?? "",
                Source = Words.Source(r.GetValue(source)),
                Assignee = r.GetValue(assignee) ?? "",
                OpenedOn = r.GetValue(openedOn) ?? "",
                AreaMu = r.GetValue(area) ?? "",
                Note = r.GetValue(note) ?? "",
                RequestId = r.GetValue(requestId) ?? Words.NewRequestId("open"),
            };
            if (r.GetValue(longitude) is not null || r.GetValue(latitude) is not null)
                request.Location = new Location { Longitude = r.GetValue(longitude) ?? "", Latitude = r.GetValue(latitude) ?? "" };
            var answer = await s.Cases.OpenCaseAsync(request, s.Call());
            s.Show(answer, CaseView(answer.Case));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Move(CliApp.Builder app)
    {
        var id = new Argument<string>("CASE_ID") { Description = "e.g. safety_hazard-2026-0001" };
        var status = new Argument<string>("STATUS") { Description = $"the status to move to ({Words.StatusWords}; or 整改中, CASE_STATUS_…)" };
        var expected = new Option<long?>("--expected-version") { Description = "the version you last saw (a newer one is ABORTED); default: the case is read first and moved from the state it is in", HelpName = "N" };
        var note = new Option<string?>("--note") { Description = "kept in the history (required when reopening)" };
        var effective = new Option<string?>("--effective-on") { Description = "the date it took effect (default today)", HelpName = "DATE" };
        var requestId = RequestId();
        var command = new Command("move", "Move a case to another status (TransitionCase); invalid transitions are FAILED_PRECONDITION.")
        {
            id, status, expected, note, effective, requestId,
        };
        CliApp.Builder.Example(command, "dongming case move safety_hazard-2026-0001 rectifying",
            "dongming case move safety_hazard-2026-0001 closed --expected-version 3 --note 复核销号 --effective-on 2026-11-30");
        app.Action(command, async (s, r) =>
        {
            var caseId = r.GetValue(id)!;
            var to = Words.Status(r.GetValue(status)!, "STATUS");
            var version = r.GetValue(expected) ?? (await s.Cases.GetCaseAsync(new GetCaseRequest { CaseId = caseId }, s.Call())).Case.Version;
            var answer = await s.Cases.TransitionCaseAsync(new TransitionCaseRequest
            {
                CaseId = caseId,
                ToStatus = to,
                ExpectedVersion = version,
                Note = r.GetValue(note) ?? "",
                EffectiveOn = r.GetValue(effective) ?? "",
                RequestId = r.GetValue(requestId) ?? Words.NewRequestId("move"),
            }, s.Call());
            s.Show(answer, CaseView(answer.Case));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliApp.Builder app)
    {
        var id = new Argument<string>("CASE_ID") { Description = "e.g. forest_violation_patch-2023-3-0007" };
        var command = new Command("show", "A case as it stands (GetCase).") { id };
        CliApp.Builder.Example(command, "dongming case show forest_violation_patch-2023-3-0007", "dongming case show safety_hazard-2026-0001 --output json");
        app.Action(command, async (s, r) =>
        {
            var answer = await s.Cases.GetCaseAsync(new GetCaseRequest { CaseId = r.GetValue(id)! }, s.Call());
            s.Show(answer, CaseView(answer.Case));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command History(CliApp.Builder app)
    {
        var id = new Argument<string>("CASE_ID") { Description = "e.g. safety_hazard-2026-0001" };
        var command = new Command("history", "Every change of a case, oldest first (GetCaseHistory): who, when, from which status to which.") { id };
        CliApp.Builder.Example(command, "dongming case history safety_hazard-2026-0001");
        app.Action(command, async (s, r) =>
        {
            var answer = await s.Cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = r.GetValue(id)! }, s.Call());
            var sheet = new Sheet(null, new Column("version", true), new Column("event"), new Column("from"), new Column("status"), new Column("effective_on"),
                new Column("actor"), new Column("at"), new Column("note"), new Column("changes"));
            foreach (var e in answer.Entries)
                sheet.Add(e.Version.ToString(CultureInfo.InvariantCulture), e.Event, e.FromStatus == CaseStatus.Unspecified ? "" : Words.Show(e.FromStatus),
                    Words.Show(e.Status), e.EffectiveOn, e.ActorName.Length > 0 ? e.ActorName : e.Actor, Render.Time(e.At), e.Note, string.Join("; ", e.Changes));
            s.Show(answer, new View().With(sheet));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static View CaseView(Case c)
    {
        var view = new View()
            .Fact("case", c.CaseId)
            .Fact("village", c.VillageId)
            .Fact("type", c.CaseType + (c.Batch.Length > 0 ? " batch " + c.Batch : ""))
            .Fact("title", c.Title)
            .Fact("status", Words.Show(c.Status))
            .Fact("version", c.Version.ToString(CultureInfo.InvariantCulture))
            .Fact("opened", c.OpenedOn + (c.OpenedBy.Length > 0 ? " by " + c.OpenedBy : ""))
            .Fact("deadline", c.Deadline + (c.DeadlineExtensions > 0 ? $" (extended {c.DeadlineExtensions}×)" : "") + (c.Overdue ? " OVERDUE" : ""));
        if (c.RectifiedOn.Length > 0) view.Fact("rectified", c.RectifiedOn + (c.OnTime ? " on time" : " late"));
        if (c.ClosedOn.Length > 0) view.Fact("closed", c.ClosedOn);
        foreach (var (name, value) in new[]
        {
            ("description", c.Description), ("category", c.Category), ("source", Words.Show(c.Source)), ("assignee", c.Assignee), ("area", c.AreaMu.Length > 0 ? c.AreaMu + " mu" : ""),
            ("location", c.Location is { } l ? $"{l.Longitude}, {l.Latitude}" : ""),
            ("flags", Render.Flags((c.Repeat, "repeat 重复"), (c.Returned, "returned 倒流"))),
        })
        {
            if (value.Length > 0) view.Fact(name, value);
        }
        view.Fact("updated", Render.Time(c.UpdatedAt));
        return view;
    }
}
