using System.IO.Compression;
using System.Security;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using MdCell = Markdig.Extensions.Tables.TableCell;
using MdRow = Markdig.Extensions.Tables.TableRow;
using MdTable = Markdig.Extensions.Tables.Table;
using WCell = DocumentFormat.OpenXml.Wordprocessing.TableCell;
using WRow = DocumentFormat.OpenXml.Wordprocessing.TableRow;
using WTable = DocumentFormat.OpenXml.Wordprocessing.Table;

namespace Dongming.Reports;

/// <summary>What the Word package says about itself (docProps/core.xml). No dates: the bytes depend on the text only.</summary>
internal sealed record DocxProperties(string Title, string Creator);

/// <summary>
/// The review as a Word document: the Markdown the template wrote, parsed by Markdig, laid out with
/// DocumentFormat.OpenXml — headings, paragraphs and the figures table — so the document holds the very
/// sentences of the Markdown. The package is made byte-for-byte reproducible: fixed relationship ids, core
/// properties without dates, and zip entries rewritten in a fixed order with a fixed time (System.IO.Packaging
/// stamps entries with the current time and names some parts at random).
/// </summary>
internal static class DocxWriter
{
    private const string MainContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

    /// <summary>The earliest time a zip entry can hold (MS-DOS epoch).</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static byte[] Write(string markdown, DocxProperties properties)
    {
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        using var package = new MemoryStream();
        using (var word = WordprocessingDocument.Create(package, WordprocessingDocumentType.Document))
        {
            var main = word.AddNewPart<MainDocumentPart>(MainContentType, "rIdDocument");
            var styles = main.AddNewPart<StyleDefinitionsPart>("rIdStyles");
            Feed(styles, Styles);
            var settings = main.AddNewPart<DocumentSettingsPart>("rIdSettings");
            Feed(settings, Settings);
            Feed(word.AddNewPart<CoreFilePropertiesPart>("rIdCore"), Core(properties));
            Feed(word.AddNewPart<ExtendedFilePropertiesPart>("rIdApp"), App);

            var body = new Body();
            foreach (var block in document) AddBlock(body, block, 0);
            body.Append(new SectionProperties(
                new PageSize { Width = 11906, Height = 16838 },
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1587U, Right = 1474U, Header = 851U, Footer = 992U, Gutter = 0U }));
            main.Document = new Document(body);
            main.Document.Save();
        }
        return Reproducible(package.ToArray());
    }

    private static void AddBlock(OpenXmlElement body, Block block, int indent)
    {
        switch (block)
        {
            case HeadingBlock h:
                body.Append(Paragraph(h.Inline, h.Level switch { 1 => "Title", 2 => "Heading1", 3 => "Heading2", _ => "Heading3" }, indent));
                break;
            case ParagraphBlock p:
                body.Append(Paragraph(p.Inline, null, indent));
                break;
            case MdTable t:
                body.Append(Table(t));
                break;
            case ListBlock list:
                var n = 0;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    n++;
                    var prefix = list.IsOrdered ? $"{n}. " : "• ";
                    var first = true;
                    foreach (var inner in item)
                    {
                        if (first && inner is ParagraphBlock ip)
                        {
                            body.Append(Paragraph(ip.Inline, null, indent + 1, prefix));
                            first = false;
                        }
                        else AddBlock(body, inner, indent + 1);
                    }
                }
                break;
            case QuoteBlock quote:
                foreach (var inner in quote) AddBlock(body, inner, indent + 1);
                break;
            case ThematicBreakBlock:
                body.Append(new Paragraph(new ParagraphProperties(new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 6, Space = 1 }))));
                break;
            case LeafBlock leaf:
                // Code and HTML blocks: their lines as they are.
                var lines = leaf.Lines.ToString();
                body.Append(new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "Code" }), TextRun(lines, null)));
                break;
            case ContainerBlock container:
                foreach (var inner in container) AddBlock(body, inner, indent);
                break;
        }
    }

    private static Paragraph Paragraph(ContainerInline? inline, string? style, int indent, string? prefix = null)
    {
        var properties = new ParagraphProperties();
        if (style is not null) properties.Append(new ParagraphStyleId { Val = style });
        if (indent > 0) properties.Append(new Indentation { LeftChars = 200 * indent, FirstLineChars = 0 });
        var paragraph = new Paragraph(properties);
        if (prefix is not null) paragraph.Append(TextRun(prefix, null));
        if (inline is not null) AddInlines(paragraph, inline, new RunStyle(false, false, false));
        return paragraph;
    }

    private readonly record struct RunStyle(bool Bold, bool Italic, bool Code);

    private static void AddInlines(OpenXmlElement paragraph, ContainerInline container, RunStyle style)
    {
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    paragraph.Append(TextRun(literal.Content.ToString(), style));
                    break;
                case EmphasisInline emphasis:
                    AddInlines(paragraph, emphasis, emphasis.DelimiterCount >= 2 ? style with { Bold = true } : style with { Italic = true });
                    break;
                case CodeInline code:
                    paragraph.Append(TextRun(code.Content, style with { Code = true }));
                    break;
                case LineBreakInline lineBreak:
                    if (lineBreak.IsHard) paragraph.Append(new Run(new Break()));
                    else paragraph.Append(TextRun(" ", style));
                    break;
                case HtmlEntityInline entity:
                    paragraph.Append(TextRun(entity.Transcoded.ToString(), style));
                    break;
                case AutolinkInline link:
                    paragraph.Append(TextRun(link.Url, style));
                    break;
                case HtmlInline html:
                    paragraph.Append(TextRun(html.Tag, style));
                    break;
                case ContainerInline inner:
                    AddInlines(paragraph, inner, style);
                    break;
            }
        }
    }

    private static Run TextRun(string text, RunStyle? style)
    {
        var run = new Run();
        if (style is { } s && (s.Bold || s.Italic || s.Code))
        {
            var properties = new RunProperties();
            if (s.Code) properties.Append(new RunFonts { Ascii = "Consolas", HighAnsi = "Consolas" });
            if (s.Bold) properties.Append(new Bold());
            if (s.Italic) properties.Append(new Italic());
            run.Append(properties);
        }
        run.Append(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        return run;
    }

    private static WTable Table(MdTable table)
    {
        var border = new Func<BorderType>[]
        {
            () => new TopBorder(), () => new LeftBorder(), () => new BottomBorder(), () => new RightBorder(), () => new InsideHorizontalBorder(), () => new InsideVerticalBorder(),
        };
        var borders = new TableBorders();
        foreach (var make in border)
        {
            var b = make();
            b.Val = BorderValues.Single;
            b.Size = 4;
            b.Space = 0;
            b.Color = "000000";
            borders.Append(b);
        }
        // Columns as wide as their longest text (a Chinese character counts two; 4 to 36, plus room), over the width between the margins.
        var rows = table.OfType<MdRow>().ToList();
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var weights = Enumerable.Range(0, columns).Select(i => rows.Max(r => i < r.Count && r[i] is MdCell c ? Math.Clamp(CellText(c).Sum(ch => ch < 0x2E80 ? 1 : 2), 4, 36) + 8 : 12)).ToList();
        var total = weights.Sum();
        var grid = new TableGrid();
        foreach (var w in weights) grid.Append(new GridColumn { Width = (TextWidth * w / total).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var result = new WTable(new TableProperties(
            new TableWidth { Type = TableWidthUnitValues.Dxa, Width = TextWidth.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            borders,
            new TableLayout { Type = TableLayoutValues.Fixed },
            new TableCellMarginDefault(new TableCellLeftMargin { Width = 57, Type = TableWidthValues.Dxa }, new TableCellRightMargin { Width = 57, Type = TableWidthValues.Dxa })), grid);
        foreach (var row in rows)
        {
            var wordRow = new WRow();
            if (row.IsHeader) wordRow.Append(new TableRowProperties(new TableHeader()));
            var column = 0;
            foreach (var cell in row.OfType<MdCell>())
            {
                var wordCell = new WCell(new TableCellProperties(new TableCellWidth { Type = TableWidthUnitValues.Dxa, Width = (TextWidth * weights[column++] / total).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
                var any = false;
                foreach (var p in cell.OfType<ParagraphBlock>())
                {
                    var paragraph = new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "TableText" }));
                    if (p.Inline is not null) AddInlines(paragraph, p.Inline, new RunStyle(row.IsHeader, false, false));
                    wordCell.Append(paragraph);
                    any = true;
                }
                // A cell must hold a paragraph, even an empty one.
                if (!any) wordCell.Append(new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "TableText" })));
                wordRow.Append(wordCell);
            }
            result.Append(wordRow);
        }
        return result;
    }

    /// <summary>A4 less the margins (twips).</summary>
    private const int TextWidth = 11906 - 1587 - 1474;

    private static string CellText(MdCell cell) =>
        string.Concat(cell.OfType<ParagraphBlock>().SelectMany(p => p.Inline?.Descendants<LiteralInline>() ?? []).Select(l => l.Content.ToString()));

    private static void Feed(OpenXmlPart part, string xml)
    {
        using var stream = new MemoryStream(new UTF8Encoding(false).GetBytes(xml));
        part.FeedData(stream);
    }

    private static string Core(DocxProperties p) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
        $"<dc:title>{SecurityElement.Escape(p.Title)}</dc:title><dc:creator>{SecurityElement.Escape(p.Creator)}</dc:creator><dc:language>zh-CN</dc:language>" +
        "</cp:coreProperties>";

    private const string App =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
        "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>Dongming</Application></Properties>";

    private const string Settings =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
        "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">" +
        "<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>" +
        "<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>" +
        "</w:settings>";

    /// <summary>Official-document styles: 仿宋 三号 body with a two-character first-line indent, 黑体 headings, 小标宋 title.</summary>
    private const string Styles =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
        "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">" +
        "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋\" w:cs=\"Times New Roman\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>" +
        "<w:pPrDefault><w:pPr><w:spacing w:line=\"560\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>" +
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/></w:pPr></w:style>" +
        "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"240\" w:after=\"240\" w:line=\"720\" w:lineRule=\"exact\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"方正小标宋简体\"/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>" +
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"黑体\"/></w:rPr></w:style>" +
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"黑体\"/></w:rPr></w:style>" +
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"2\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"楷体\"/></w:rPr></w:style>" +
        "<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:line=\"280\" w:lineRule=\"atLeast\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>" +
        "<w:style w:type=\"paragraph\" w:styleId=\"Code\"><w:name w:val=\"Code\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\"/><w:sz w:val=\"20\"/></w:rPr></w:style>" +
        "</w:styles>";

    /// <summary>Rewrites the package's zip: entries in a fixed order ([Content_Types].xml first), each with a fixed time.</summary>
    private static byte[] Reproducible(byte[] package)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read))
        {
            foreach (var entry in source.Entries)
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries.Add((entry.FullName, copy.ToArray()));
            }
        }
        static int Rank(string name) => name switch
        {
            "[Content_Types].xml" => 0,
            "_rels/.rels" => 1,
            _ => 2,
        };
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries.OrderBy(e => Rank(e.Name)).ThenBy(e => e.Name, StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = EntryTime;
                using var stream = entry.Open();
                stream.Write(data);
            }
        }
        return output.ToArray();
    }
}
