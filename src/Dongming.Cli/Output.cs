using System.Globalization;
using Google.Protobuf;
using Spectre.Console;

namespace Dongming.Cli;

/// <summary>How an answer is printed: a table for people, the answer's proto JSON or CSV rows for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Csv,
}

/// <summary>A column of a sheet; figures are right-aligned in tables.</summary>
internal sealed record Column(string Name, bool Right = false);

/// <summary>Rows under named columns: a table on the terminal, the same rows as CSV.</summary>
internal sealed class Sheet(string? title, params Column[] columns)
{
    public string? Title { get; } = title;
    public IReadOnlyList<Column> Columns { get; } = columns;
    public List<string[]> Rows { get; } = [];

    public Sheet Add(params string[] cells)
    {
        if (cells.Length != Columns.Count) throw new ArgumentException($"{cells.Length} cells for {Columns.Count} columns");
        Rows.Add(cells);
        return this;
    }
}

/// <summary>What a command shows: lines (name: value) and sheets. CSV prints the first sheet (the answer's rows).</summary>
internal sealed class View
{
    public List<(string Name, string Value)> Facts { get; } = [];
    public List<Sheet> Sheets { get; } = [];
    /// <summary>The sheet CSV prints; the first when not set.</summary>
    public Sheet? CsvSheet { get; set; }

    public View Fact(string name, string value)
    {
        Facts.Add((name, value));
        return this;
    }

    public View With(Sheet sheet)
    {
        Sheets.Add(sheet);
        return this;
    }
}

internal static class Render
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    public static void Write(CliConsole console, OutputFormat format, IMessage answer, View view)
    {
        switch (format)
        {
            case OutputFormat.Json:
                console.Output.WriteLine(Json.Format(answer));
                break;
            case OutputFormat.Csv:
                var sheet = view.CsvSheet ?? view.Sheets.FirstOrDefault();
                if (sheet is not null) WriteCsv(console.Output, sheet);
                else WriteCsv(console.Output, Facts(view));
                break;
            default:
                WriteTables(console, view);
                break;
        }
        console.Output.Flush();
    }

    private static Sheet Facts(View view)
    {
        var sheet = new Sheet(null, new Column("name"), new Column("value"));
        foreach (var (name, value) in view.Facts) sheet.Add(name, value);
        return sheet;
    }

    private static void WriteTables(CliConsole console, View view)
    {
        var ansi = console.Ansi(console.Output, console.Interactive);
        if (view.Facts.Count > 0)
        {
            var facts = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
            foreach (var (name, value) in view.Facts) facts.AddRow(new Text(name + ":"), new Text(value));
            ansi.Write(facts);
        }
        foreach (var sheet in view.Sheets)
        {
            if (sheet.Rows.Count == 0)
            {
                ansi.WriteLine($"{sheet.Title ?? "rows"}: none");
                continue;
            }
            var table = new Table().Border(TableBorder.Rounded);
            if (sheet.Title is { } title) table.Title(new TableTitle(Markup.Escape($"{title} ({sheet.Rows.Count.ToString("N0", CultureInfo.InvariantCulture)})")));
            foreach (var c in sheet.Columns)
            {
                var column = new TableColumn(new Text(c.Name));
                table.AddColumn(c.Right ? column.RightAligned() : column);
            }
            foreach (var row in sheet.Rows) table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)).ToArray());
            ansi.Write(table);
        }
    }

    /// <summary>RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled; UTF-8, LF line ends.</summary>
    public static void WriteCsv(TextWriter writer, Sheet sheet)
    {
        writer.WriteLine(string.Join(',', sheet.Columns.Select(c => Csv(c.Name))));
        foreach (var row in sheet.Rows) writer.WriteLine(string.Join(',', row.Select(Csv)));
    }

    internal static string Csv(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A figure with its qualifiers: "≥30" for a lower bound.</summary>
    public static string Figure(string value, bool atLeast) => atLeast && value.Length > 0 ? "≥" + value : value;

    public static string Flags(params (bool On, string Name)[] flags) =>
        string.Join(' ', flags.Where(f => f.On).Select(f => f.Name));

    public static string Bytes(long n) => n.ToString("N0", CultureInfo.InvariantCulture) + " bytes";

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is null ? "" : t.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Join(IEnumerable<string> items) => string.Join(", ", items);

}
