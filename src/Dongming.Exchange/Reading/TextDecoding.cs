using System.Text;
using System.Text.Unicode;

namespace Dongming.Exchange.Reading;

/// <summary>
/// The encodings of delimited text that clerks' files come in: UTF-8 with or without a byte-order mark,
/// UTF-16 with one (Excel's "Unicode text"), and — when the bytes are not valid UTF-8 — GB18030, the superset
/// of GBK that Chinese Excel writes for "CSV". Any byte sequence invalid in the chosen encoding is an error,
/// never a replacement character.
/// </summary>
internal static class TextDecoding
{
    /// <summary>Characters decoded for sniffing the delimiter and nothing else.</summary>
    private const int PreviewBytes = 64 * 1024;

    private static readonly Lazy<Encoding> Gb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    internal sealed record Detected(string Name, Encoding Encoding, int BomLength, string Preview);

    public static Detected Detect(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            return Make("utf-8 (BOM)", new UTF8Encoding(false, throwOnInvalidBytes: true), 3, content);
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            return Make("utf-16le (BOM)", new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2, content);
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return Make("utf-16be (BOM)", new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2, content);
        if (span.IndexOf((byte)0) >= 0)
            throw new SheetFileException("the file holds zero bytes: it is not a spreadsheet or text file, or it is UTF-16 text without a byte-order mark (save it as CSV UTF-8)");
        if (Utf8.IsValid(span)) return Make("utf-8", new UTF8Encoding(false, throwOnInvalidBytes: true), 0, content);
        return Make("gb18030", Gb18030.Value, 0, content);
    }

    private static Detected Make(string name, Encoding encoding, int bom, ReadOnlyMemory<byte> content)
    {
        var prefix = content.Slice(bom, Math.Min(PreviewBytes, content.Length - bom)).Span;
        // The preview may end inside a character: a lenient decoder of the same encoding is good enough to sniff.
        var lenient = (Encoding)encoding.Clone();
        lenient.DecoderFallback = DecoderFallback.ReplacementFallback;
        return new Detected(name, encoding, bom, lenient.GetString(prefix));
    }

    /// <summary>A strict reader of the text after its byte-order mark.</summary>
    public static TextReader Open(ReadOnlyMemory<byte> content, Detected detected) =>
        new StreamReader(OpenedFile.AsStream(content[detected.BomLength..]), detected.Encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
}

/// <summary>
/// Sniffs the delimiter of a text file from its first lines. Written here because the CSV library detects it
/// from the first line only, and the first line of a clerk's sheet is often a title without any delimiter.
/// </summary>
internal static class Delimiters
{
    private static readonly char[] Candidates = [',', '\t', ';', '|'];

    public static char Sniff(string preview)
    {
        var best = ',';
        var bestScore = 0;
        var lines = SplitLines(preview).Where(l => l.Length > 0).Take(30).ToList();
        foreach (var candidate in Candidates)
        {
            // the score of a delimiter: the lines that share its most common non-zero count
            var counts = lines.Select(l => Count(l, candidate)).Where(c => c > 0).GroupBy(c => c).Select(g => g.Count()).DefaultIfEmpty(0).Max();
            if (counts > bestScore) { best = candidate; bestScore = counts; }
        }
        return best;
    }

    private static IEnumerable<string> SplitLines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static int Count(string line, char delimiter)
    {
        var n = 0;
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == delimiter && !quoted) n++;
        }
        return n;
    }
}
