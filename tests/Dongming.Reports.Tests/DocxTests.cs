using System.Diagnostics;
using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using MdCell = Markdig.Extensions.Tables.TableCell;
using MdRow = Markdig.Extensions.Tables.TableRow;
using MdTable = Markdig.Extensions.Tables.Table;

namespace Dongming.Reports.Tests;

/// <summary>The Word document holds the Markdown's sentences, and is the same bytes every time.</summary>
public sealed class DocxTests(DocxTests.Fixture fixture) : IClassFixture<DocxTests.Fixture>
{
    public sealed class Fixture
    {
        public RenderedReview Markdown { get; } = ReviewWriter.Render(DemoReview.Review2023, ReviewFormat.Markdown);

        public RenderedReview Docx { get; } = ReviewWriter.Render(DemoReview.Review2023, ReviewFormat.Docx);

        /// <summary>DONGMING_REVIEW_OUT=dir keeps the written review there, to read or open in Word.</summary>
        public Fixture()
        {
            if (Environment.GetEnvironmentVariable("DONGMING_REVIEW_OUT") is not { Length: > 0 } dir) return;
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "review-2023.md"), Markdown.Content);
            File.WriteAllBytes(Path.Combine(dir, "review-2023.docx"), Docx.Content);
        }
    }

    /// <summary>The Markdown's blocks as plain text: headings, paragraphs and each table row's cells joined by tabs.</summary>
    private static List<string> MarkdownBlocks(string markdown)
    {
        static string Text(ContainerInline? inline)
        {
            if (inline is null) return string.Empty;
            var sb = new System.Text.StringBuilder();
            foreach (var i in inline.Descendants<LeafInline>())
            {
                sb.Append(i switch
                {
                    LiteralInline l => l.Content.ToString(),
                    CodeInline c => c.Content,
                    LineBreakInline => " ",
                    HtmlEntityInline e => e.Transcoded.ToString(),
                    _ => string.Empty,
                });
            }
            return sb.ToString();
        }
        var blocks = new List<string>();
        foreach (var block in Markdig.Markdown.Parse(markdown, new MarkdownPipelineBuilder().UsePipeTables().Build()))
        {
            switch (block)
            {
                case HeadingBlock h: blocks.Add(Text(h.Inline)); break;
                case ParagraphBlock p: blocks.Add(Text(p.Inline)); break;
                case MdTable t:
                    foreach (var row in t.OfType<MdRow>()) blocks.Add(string.Join('\t', row.OfType<MdCell>().Select(c => string.Concat(c.OfType<ParagraphBlock>().Select(p => Text(p.Inline))))));
                    break;
                default: throw new InvalidOperationException($"unexpected block {block.GetType().Name} in the review");
            }
        }
        return blocks;
    }

    /// <summary>The document's body read back from its XML: paragraph texts and each table row's cells joined by tabs.</summary>
    private static List<string> DocxBlocks(byte[] docx, out List<string?> styles)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var blocks = new List<string>();
        styles = [];
        foreach (var element in doc.MainDocumentPart!.Document!.Body!.ChildElements)
        {
            switch (element)
            {
                case Paragraph p:
                    blocks.Add(p.InnerText);
                    styles.Add(p.ParagraphProperties?.ParagraphStyleId?.Val?.Value);
                    break;
                case Table t:
                    foreach (var row in t.Elements<TableRow>())
                    {
                        blocks.Add(string.Join('\t', row.Elements<TableCell>().Select(c => c.InnerText)));
                        styles.Add("row");
                    }
                    break;
            }
        }
        return blocks;
    }

    [Fact]
    public void Docx_HoldsTheMarkdownsSentences_BlockForBlock()
    {
        Assert.Equal(fixture.Markdown.Markdown, fixture.Docx.Markdown);
        var expected = MarkdownBlocks(fixture.Markdown.Markdown);
        var actual = DocxBlocks(fixture.Docx.Content, out _);
        Assert.Equal(expected, actual);
        Assert.Contains(actual, p => p.Contains("发放养老金1.5218亿元【注1】", StringComparison.Ordinal));
    }

    [Fact]
    public void Docx_HasTitleHeadingsAndTheFiguresTable()
    {
        var blocks = DocxBlocks(fixture.Docx.Content, out var styles);
        Assert.Equal("Title", styles[0]);
        Assert.Equal("东明镇2023年工作报告", blocks[0]);
        Assert.Equal("Heading1", styles[blocks.IndexOf("2023年工作回顾")]);
        Assert.Equal("Heading2", styles[blocks.IndexOf("一、农业生产")]);
        Assert.Equal("Heading1", styles[blocks.IndexOf("附表：数字来源")]);
        // The appendix table: one row per figure, naming the indicator and the org units; then the org units' versions.
        Assert.Equal(fixture.Docx.Figures.Count, blocks.Count(b => System.Text.RegularExpressions.Regex.IsMatch(b, "^[0-9]+\t")));
        Assert.Contains("大台\tdatai\t7", blocks);
        var pension = fixture.Docx.Figures.Single(f => f.Indicator == "pension_paid");
        var row = blocks.Single(b => b.StartsWith($"{pension.Number}\t", StringComparison.Ordinal));
        Assert.Contains("pension_paid", row);
        Assert.Contains("全镇33个嘎查村", row);
        Assert.Equal(RenderedReview.DocxMediaType, fixture.Docx.MediaType);
    }

    [Fact]
    public void Docx_IsTheSameBytesEveryTime_WithNoTimesInThePackage()
    {
        var again = ReviewWriter.Render(DemoReview.Review2023, ReviewFormat.Docx);
        Assert.Equal(fixture.Docx.Content, again.Content);
        using var zip = new ZipArchive(new MemoryStream(fixture.Docx.Content), ZipArchiveMode.Read);
        Assert.Equal("[Content_Types].xml", zip.Entries[0].FullName);
        Assert.Equal([.. zip.Entries.Skip(2).Select(e => e.FullName).Order(StringComparer.Ordinal)], zip.Entries.Skip(2).Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
        using var core = new StreamReader(zip.GetEntry("docProps/core.xml")!.Open());
        var xml = core.ReadToEnd();
        Assert.DoesNotContain("dcterms:created", xml);
        Assert.DoesNotContain("dcterms:modified", xml);
        Assert.Contains("<dc:title>东明镇2023年工作报告</dc:title>", xml);
    }

    [Fact]
    public void Markdown_IsTheSameBytesEveryTime()
    {
        var again = ReviewWriter.Render(DemoReview.Review2023, ReviewFormat.Markdown);
        Assert.Equal(fixture.Markdown.Content, again.Content);
        Assert.Equal(fixture.Markdown.Figures, again.Figures, (a, b) => a.Number == b.Number && a.Text == b.Text && a.Value == b.Value);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(fixture.Markdown.Markdown), fixture.Markdown.Content);
    }

    [Fact]
    public void Docx_ConvertedByLibreOffice_HoldsTheSentences()
    {
        var soffice = new[] { "soffice", "libreoffice" }
            .Select(name => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null);
        if (soffice is null) Assert.Skip("LibreOffice is not installed");
        var dir = Directory.CreateTempSubdirectory("dongming-review-");
        try
        {
            var path = Path.Combine(dir.FullName, "review.docx");
            File.WriteAllBytes(path, fixture.Docx.Content);
            using var process = Process.Start(new ProcessStartInfo(soffice!, ["--headless", $"-env:UserInstallation=file://{dir.FullName}/profile", "--convert-to", "txt:Text", "--outdir", dir.FullName, path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "LibreOffice did not finish converting");
            var text = File.ReadAllText(Path.Combine(dir.FullName, "review.txt"));
            foreach (var block in MarkdownBlocks(fixture.Markdown.Markdown).Where(b => !b.Contains('\t')))
                Assert.Contains(block, text);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
