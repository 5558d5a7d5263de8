using System.Text;
using Dongming.Exchange.Reading;

namespace Dongming.Exchange.Tests;

/// <summary>
/// The content of a spreadsheet as text — sheets, cells with their kind, number format flags and formulas,
/// merged ranges — to compare files by what they hold (an XLSX package's bytes carry timestamps).
/// </summary>
public static class SheetDump
{
    public static string Of(byte[] bytes, string name)
    {
        var sb = new StringBuilder();
        using var file = OpenedFile.Open(new SheetFile(bytes, name));
        sb.Append($"format {file.Format} encoding {file.Encoding} delimiter {(file.Delimiter is { } d ? ((int)d).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}\n");
        foreach (var sheet in file.Sheets)
        {
            sb.Append($"sheet {sheet.Name}\n");
            foreach (var row in sheet.Rows())
            {
                if (row.IsBlank) continue;
                sb.Append(row.Number).Append(':');
                foreach (var c in row.Cells)
                    sb.Append($" {ColumnNames.Name(c.Column)}={c.Text}|{c.Kind}{(c.Percent ? "|%" : string.Empty)}{(c.AtLeast ? "|≥" : string.Empty)}{(c.Formula is { } f ? "|" + f : string.Empty)}");
                sb.Append('\n');
            }
            foreach (var m in sheet.Merged) sb.Append($"merged {m}\n");
        }
        return sb.ToString();
    }

    /// <summary>The repository's root (the folder of Dongming.sln), found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dongming.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Dongming.sln not found above the test output folder");
    }

    /// <summary>
    /// Compares generated files with the committed ones by content; with DONGMING_WRITE_FILES=1 it writes the
    /// generated ones first (commit them). Returns the names that differ.
    /// </summary>
    public static List<string> CompareOrWrite(IReadOnlyDictionary<string, byte[]> generated, string folder)
    {
        var root = Path.Combine(RepositoryRoot(), folder);
        var write = Environment.GetEnvironmentVariable("DONGMING_WRITE_FILES") == "1";
        var differ = new List<string>();
        foreach (var (name, bytes) in generated)
        {
            var path = Path.Combine(root, name);
            var same = File.Exists(path) && Same(File.ReadAllBytes(path), bytes, name);
            if (!same && write)
            {
                Directory.CreateDirectory(root);
                File.WriteAllBytes(path, bytes);
                continue;
            }
            if (!same) differ.Add(name);
        }
        return differ;
    }

    private static bool Same(byte[] committed, byte[] generated, string name) =>
        name.EndsWith(".xlsx", StringComparison.Ordinal) ? Of(committed, name) == Of(generated, name) : committed.AsSpan().SequenceEqual(generated);
}
