using System.CommandLine;
using System.Globalization;
using Dongming.Contracts.V1;
using Google.Protobuf;
using Spectre.Console;

namespace Dongming.Cli.Commands;

/// <summary>import, export totals|cases and review: spreadsheets in and out (ExchangeService), the yearly review (ReportService).</summary>
internal static class ExchangeCommands
{
    /// <summary>Imports, exports and reviews are long calls: 10 minutes unless --timeout says otherwise.</summary>
    private static readonly TimeSpan LongCall = TimeSpan.FromMinutes(10);

    public static void Add(RootCommand root, CliApp.Builder app)
    {
        root.Add(Import(app));
        root.Add(Export(app));
        root.Add(Review(app));
    }

    private static Command Import(CliApp.Builder app)
    {
        var file = new Argument<string>("FILE") { Description = "a CSV (UTF-8, UTF-16 or GB18030) or XLSX file" };
        var kind = new Option<string>("--kind") { Description = "values (a ledger, wide or long), roster (township and villages), catalog (indicators and case types) or cases", DefaultValueFactory = _ => "values" };
        kind.AcceptOnlyFromAmong("values", "roster", "catalog", "cases");
        var period = new Option<string?>("--period") { Description = "the period of rows that name none (values)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "check the file and show what it would change; apply nothing" };
        var requestId = new Option<string?>("--request-id") { Description = "the import's request id (default: a new one per run; the same file is recognised by its content anyway)", HelpName = "ID" };
        var command = new Command("import", "Import a spreadsheet, all or nothing: the counts, every error with its row and column, every change; --dry-run first. Errors: nothing applied, exit code 6; the same file again applies nothing new.")
        {
            file, kind, period, dryRun, requestId,
        };
        CliApp.Builder.Example(command,
            "dongming import samples/dongming-2023/roster.xlsx --kind roster",
            "dongming import samples/dongming-2023/catalog.xlsx --kind catalog",
            "dongming import samples/dongming-2023/ledger-2023.xlsx --period 2023 --dry-run",
            "dongming import samples/dongming-2023/ledger-2023.xlsx --period 2023",
            "dongming import samples/dongming-2023/cases-2023.xlsx --kind cases");
        app.Action(command, async (s, r) =>
        {
            var path = r.GetValue(file)!;
            var content = await ReadFileAsync(path, s.CancellationToken);
            var name = Path.GetFileName(path);
            var format = FormatOf(path, required: false);
            var dry = r.GetValue(dryRun);
            var id = r.GetValue(requestId) ?? Words.NewRequestId("import");
            var what = r.GetValue(kind) ?? "values";
            if (what != "values" && r.GetValue(period) is not null) throw new UsageException("--period is for --kind values only");
            if (what == "values")
            {
                var request = new ImportValuesRequest
                {
                    TownshipId = s.Township,
                    Period = r.GetValue(period) ?? "",
                    FileName = name,
                    Content = content,
                    Format = format,
                    DryRun = dry,
                    RequestId = id,
                };
                var answer = await Upload(s, name, content.Length, () => s.Exchange.ImportValuesAsync(request, s.Call(LongCall)).ResponseAsync);
                s.Show(answer, ValuesView(answer, dry));
                return answer.Errors.Count > 0 ? ExitCodes.FileHasErrors : ExitCodes.Ok;
            }
            var other = what switch
            {
                "roster" => await Upload(s, name, content.Length, () => s.Exchange.ImportRosterAsync(
                    new ImportRosterRequest { FileName = name, Content = content, Format = format, DryRun = dry, RequestId = id }, s.Call(LongCall)).ResponseAsync),
                "catalog" => await Upload(s, name, content.Length, () => s.Exchange.ImportCatalogAsync(
                    new ImportCatalogRequest { FileName = name, Content = content, Format = format, DryRun = dry, RequestId = id }, s.Call(LongCall)).ResponseAsync),
                _ => await Upload(s, name, content.Length, () => s.Exchange.ImportCasesAsync(
                    new ImportCasesRequest { TownshipId = s.Township, FileName = name, Content = content, Format = format, DryRun = dry, RequestId = id }, s.Call(LongCall)).ResponseAsync),
            };
            s.Show(other, OtherView(other, what, dry));
            return other.Errors.Count > 0 ? ExitCodes.FileHasErrors : ExitCodes.Ok;
        });
        return command;
    }

    private static View ValuesView(ImportValuesResponse a, bool dryRun)
    {
        var view = new View()
            .Fact("rows read", N(a.RowsRead))
            .Fact("values new", N(a.ValuesNew))
            .Fact("values changed", N(a.ValuesChanged))
            .Fact("values unchanged", N(a.ValuesUnchanged))
            .Fact("errors", N(a.Errors.Count))
            .Fact("applied", Outcome(a.Applied, dryRun, a.Errors.Count))
            .Fact("import id", a.ImportId);
        var errors = Errors(a.Errors);
        var changes = new Sheet(dryRun ? "changes it would make" : "changes", new Column("org_unit"), new Column("period"), new Column("indicator"),
            new Column("old_value", true), new Column("new_value", true));
        foreach (var c in a.Changes) changes.Add(c.OrgUnitId, c.Period, c.Indicator, c.OldValue, Render.Figure(c.NewValue, c.AtLeast));
        var warnings = new Sheet("warnings", new Column("org_unit"), new Column("period"), new Column("rule"), new Column("message"));
        foreach (var w in a.Warnings) warnings.Add(w.OrgUnitId, w.Period, w.Rule, w.Message);
        if (a.Errors.Count > 0) view.With(errors);
        view.With(changes);
        if (a.Warnings.Count > 0) view.With(warnings);
        view.CsvSheet = a.Errors.Count > 0 ? errors : changes;
        return view;
    }

    private static View OtherView(ImportResponse a, string kind, bool dryRun)
    {
        var view = new View()
            .Fact("kind", kind)
            .Fact("rows read", N(a.RowsRead))
            .Fact("created", N(a.Created))
            .Fact("changed", N(a.Changed))
            .Fact("unchanged", N(a.Unchanged))
            .Fact("errors", N(a.Errors.Count))
            .Fact("applied", Outcome(a.Applied, dryRun, a.Errors.Count))
            .Fact("import id", a.ImportId);
        var errors = Errors(a.Errors);
        var changes = new Sheet(dryRun ? "changes it would make" : "changes", new Column("change"));
        foreach (var c in a.Changes) changes.Add(c);
        if (a.Errors.Count > 0) view.With(errors);
        view.With(changes);
        view.CsvSheet = a.Errors.Count > 0 ? errors : changes;
        return view;
    }

    private static Sheet Errors(IEnumerable<ImportError> errors)
    {
        var sheet = new Sheet("errors", new Column("row", true), new Column("column"), new Column("field"), new Column("message"));
        foreach (var e in errors) sheet.Add(e.Row == 0 ? "file" : N(e.Row), e.Column, e.Field, e.Message);
        return sheet;
    }

    private static string Outcome(bool applied, bool dryRun, int errors) =>
        applied ? "yes" : errors > 0 ? "no: the file has errors, nothing was applied" : dryRun ? "no (dry run)" : "no";

    private static Command Export(CliApp.Builder app)
    {
        var command = new Command("export", "The township's sheets: totals of a period, or a list of cases (CSV or XLSX, from -o's extension).");
        var period = new Argument<string>("PERIOD") { Description = "2023, 2023Q4 or 2023-11" };
        var totalsOnly = new Option<bool>("--totals-only") { Description = "only the total row and the township's own entries (default: one row per village)" };
        var totalsOut = Out();
        var totals = new Command("totals", "The township's sheet of a period: villages as rows, indicators as columns (Chinese names and units), a total row. Imported again it changes nothing.")
        {
            period, totalsOnly, totalsOut,
        };
        CliApp.Builder.Example(totals, "dongming export totals 2023 -o dongming-2023.xlsx", "dongming export totals 2023Q4 -o totals.csv");
        app.Action(totals, async (s, r) =>
        {
            var path = r.GetValue(totalsOut)!;
            var request = new ExportTotalsRequest { TownshipId = s.Township, Period = r.GetValue(period)!, Format = FormatOf(path, required: true), IncludeBreakdown = !r.GetValue(totalsOnly) };
            var answer = await Waiting(s, $"exporting the totals of {request.Period}", () => s.Exchange.ExportTotalsAsync(request, s.Call(LongCall)).ResponseAsync);
            return await SaveAsync(s, answer, path);
        });
        var filter = new ReadCommands.CaseFilter();
        var casesOut = Out();
        var cases = new Command("cases", "A list of cases as a sheet (the filters of `dongming cases`): every matching case.") { casesOut };
        filter.AddTo(cases);
        CliApp.Builder.Example(cases, "dongming export cases --overdue 2024-06-01 -o overdue.xlsx", "dongming export cases --type forest_violation_patch --batch 2023-3 -o patches.csv");
        app.Action(cases, async (s, r) =>
        {
            var path = r.GetValue(casesOut)!;
            var request = new ExportCasesRequest { Filter = filter.Request(s, r), Format = FormatOf(path, required: true) };
            var answer = await Waiting(s, "exporting the cases", () => s.Exchange.ExportCasesAsync(request, s.Call(LongCall)).ResponseAsync);
            return await SaveAsync(s, answer, path);
        });
        command.Add(totals);
        command.Add(cases);
        return command;
    }

    private static Option<string> Out() => new("--out", "-o") { Description = "the file to write (.csv or .xlsx)", HelpName = "FILE", Required = true };

    private static async Task<int> SaveAsync(Session s, ExportResponse answer, string path)
    {
        await File.WriteAllBytesAsync(path, answer.Content.ToByteArray(), s.CancellationToken);
        var shown = answer.Clone();
        shown.Content = ByteString.Empty; // in the file, not on the terminal
        s.Show(shown, new View()
            .Fact("wrote", path)
            .Fact("size", Render.Bytes(answer.Content.Length))
            .Fact("media type", answer.MediaType)
            .Fact("server's name", answer.FileName));
        return ExitCodes.Ok;
    }

    private static Command Review(CliApp.Builder app)
    {
        var year = new Argument<int>("YEAR") { Description = "the year under review (e.g. 2023)" };
        var format = new Option<string?>("--format") { Description = "md or docx (default: from -o's extension)" };
        format.AcceptOnlyFromAmong("md", "docx");
        var output = new Option<string>("--out", "-o") { Description = "the file to write (.md or .docx)", HelpName = "FILE", Required = true };
        var template = new Option<string?>("--template") { Description = "a Liquid template to use instead of the default", HelpName = "FILE" };
        var command = new Command("review", "Write the township's review of a year (政府工作报告, RenderReview) as Markdown or Word; figures that fail a rule or are not approved are marked.")
        {
            year, format, output, template,
        };
        CliApp.Builder.Example(command, "dongming review 2023 -o review-2023.md", "dongming review 2023 --format docx -o 2023年工作总结.docx");
        app.Action(command, async (s, r) =>
        {
            var path = r.GetValue(output)!;
            var ext = Path.GetExtension(path).ToLowerInvariant();
            var wanted = r.GetValue(format) ?? ext switch
            {
                ".md" or ".markdown" => "md",
                ".docx" => "docx",
                _ => throw new UsageException($"-o {path}: give --format md|docx or a file ending in .md or .docx"),
            };
            var request = new RenderReviewRequest
            {
                TownshipId = s.Township,
                Year = r.GetValue(year),
                Format = wanted == "docx" ? ReviewFormat.Docx : ReviewFormat.Markdown,
                Template = r.GetValue(template) is { } t ? await ReadTextAsync(t, s.CancellationToken) : "",
            };
            var answer = await Waiting(s, $"writing the review of {request.Year}", () => s.Reports.RenderReviewAsync(request, s.Call(LongCall)).ResponseAsync);
            await File.WriteAllBytesAsync(path, answer.Content.ToByteArray(), s.CancellationToken);
            var shown = answer.Clone();
            shown.Content = ByteString.Empty;
            var notes = new Sheet("notes", new Column("note", true), new Column("reason"), new Column("rule"), new Column("figures"), new Column("text"));
            foreach (var n in answer.Notes)
                notes.Add(N(n.Number), n.Reason, n.Rule, string.Join(", ", n.Figures.Select(N)), n.Text);
            var marked = answer.Figures.Count(f => f.Failures.Count > 0 || !f.Approved);
            s.Show(shown, new View()
                .Fact("wrote", path)
                .Fact("size", Render.Bytes(answer.Content.Length))
                .Fact("figures", N(answer.Figures.Count))
                .Fact("marked", $"{N(marked)} (failing a rule or not approved)")
                .With(notes));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static FileFormat FormatOf(string path, bool required) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".xlsx" => FileFormat.Xlsx,
        ".csv" or ".tsv" or ".txt" => FileFormat.Csv,
        _ when !required => FileFormat.Unspecified,
        _ => throw new UsageException($"-o {path}: the file must end in .csv or .xlsx (the format is taken from it)"),
    };

    private static async Task<ByteString> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return ByteString.CopyFrom(await File.ReadAllBytesAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {ErrorLine.OneLine(e.Message)}");
        }
    }

    private static async Task<string> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {ErrorLine.OneLine(e.Message)}");
        }
    }

    /// <summary>The call, with a progress bar of the bytes sent (then a spinner while the server checks) when a person watches.</summary>
    private static async Task<T> Upload<T>(Session s, string name, long bytes, Func<Task<T>> call)
    {
        if (!s.Console.Interactive || s.Format != OutputFormat.Table) return await call();
        var console = s.Console.Ansi(s.Console.Error, interactive: true);
        T result = default!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var upload = context.AddTask(Markup.Escape($"uploading {name}"), maxValue: Math.Max(1, bytes));
                s.Uploads.Progress = sent => upload.Value = Math.Min(sent, bytes);
                try
                {
                    var pending = call();
                    while (await Task.WhenAny(pending, Task.Delay(100, s.CancellationToken)) != pending)
                    {
                        if (upload.Value >= bytes) upload.Description = Markup.Escape($"{name}: the server is checking it");
                    }
                    upload.Value = bytes;
                    result = await pending;
                }
                finally
                {
                    s.Uploads.Progress = null;
                }
            });
        return result;
    }

    /// <summary>The call, with a spinner on stderr when a person watches.</summary>
    private static async Task<T> Waiting<T>(Session s, string what, Func<Task<T>> call)
    {
        if (!s.Console.Interactive || s.Format != OutputFormat.Table) return await call();
        var console = s.Console.Ansi(s.Console.Error, interactive: true);
        return await console.Status().StartAsync(Markup.Escape(what + " …"), _ => call());
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
