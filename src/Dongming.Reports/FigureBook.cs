using System.Text;
using System.Text.RegularExpressions;
using Dongming.Domain;

namespace Dongming.Reports;

/// <summary>A number the template may show, with everything its trace needs (but not yet its wording).</summary>
internal sealed record FigureData
{
    public required FigureMeasure Measure { get; init; }
    public required decimal Value { get; init; }
    public required string Unit { get; init; }
    public required string Period { get; init; }
    public IndicatorDefinition? Indicator { get; init; }
    public string? CaseType { get; init; }
    public IReadOnlyList<string> Batches { get; init; } = [];
    public IReadOnlyList<CaseStatus> Statuses { get; init; } = [];
    public CaseCountOf? CountOf { get; init; }
    public IReadOnlyList<FigureSource> Sources { get; init; } = [];
    public bool LowerBound { get; init; }
    public bool Approved { get; init; } = true;
    public IReadOnlyList<RuleFailure> Failures { get; init; } = [];

    /// <summary>Identifies the figure's source (the same figure shown twice with the same text is listed once).</summary>
    public string Key => $"{Measure}|{Indicator?.Code}|{CaseType}|{string.Join(',', Batches)}|{string.Join(',', Statuses)}|{CountOf}|{Period}";
}

/// <summary>
/// The figures a render shows. A filter writing a figure leaves a token in the text (private-use characters
/// around the figure's number and its wording); once the whole text is written the tokens are replaced by the
/// wording and its markers. So figures[] holds exactly what the final text shows, numbered and marked in order
/// of appearance, whatever the template captured, reordered or dropped.
/// </summary>
internal sealed partial class FigureBook
{
    private const char Open = '\uE000', Mid = '\uE001', Close = '\uE002';

    private readonly List<(FigureData Data, ShownNumber? Number, string Text, string Rounding, string RoundingZh)> _candidates = [];
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);
    [GeneratedRegex("\uE000([0-9]+)\uE001([^\uE000\uE001\uE002]*)\uE002", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <summary>Records a figure shown as <paramref name="number"/> and returns the token the text carries.</summary>
    public string Show(FigureData data, ShownNumber number) => Add(data, number, number.Text, number.Rounding, number.RoundingZh);

    /// <summary>Records a figure stated in words ("全覆盖", "零发生").</summary>
    public string ShowInWords(FigureData data, string words) => Add(data, null, words, "stated in words", "以文字表述");

    private string Add(FigureData data, ShownNumber? number, string text, string rounding, string roundingZh)
    {
        var key = data.Key + "|" + text;
        if (!_byKey.TryGetValue(key, out var index))
        {
            index = _candidates.Count;
            _candidates.Add((data, number, text, rounding, roundingZh));
            _byKey[key] = index;
        }
        return $"{Open}{index}{Mid}{text}{Close}";
    }

    /// <summary>Replaces the tokens of <paramref name="text"/> by the figures' wording and markers.</summary>
    public (string Text, IReadOnlyList<ShownFigure> Figures, IReadOnlyList<ReviewNote> Notes) Resolve(string text)
    {
        var numbers = new Dictionary<int, int>();
        var order = new List<int>();
        var noteNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var notes = new List<(string Key, NoteReason Reason, string? Rule, string Text, List<int> Figures)>();
        var markers = new Dictionary<int, List<int>>();

        string Replace(Match m)
        {
            var index = int.Parse(m.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture);
            if (index >= _candidates.Count || m.Groups[2].Value != _candidates[index].Text)
                throw new TemplateDataException("a figure's wording was changed after it was written (filters after num, word or names must not alter it)", "|");
            if (!numbers.TryGetValue(index, out var number))
            {
                number = order.Count + 1;
                numbers[index] = number;
                order.Add(index);
                markers[index] = NotesOf(index, number, noteNumbers, notes);
            }
            var marks = markers[index];
            return marks.Count == 0 ? m.Groups[2].Value : $"{m.Groups[2].Value}【注{string.Join('、', marks)}】";
        }

        var resolved = Token().Replace(text, Replace);
        if (resolved.AsSpan().IndexOfAny(Open, Mid, Close) >= 0)
            throw new TemplateDataException("a figure's wording was cut or altered by a filter (truncate, slice, replace …) after it was written", "|");

        var figures = order.Select((index, i) =>
        {
            var (data, shown, words, rounding, roundingZh) = _candidates[index];
            return new ShownFigure
            {
                Number = i + 1,
                Text = words,
                Value = data.Value,
                ShownValue = shown?.Shown ?? data.Value,
                Unit = data.Unit,
                Period = data.Period,
                Measure = data.Measure,
                Indicator = data.Indicator?.Code,
                CaseType = data.CaseType,
                Batches = data.Batches,
                Statuses = data.Statuses,
                CountOf = data.CountOf,
                Sources = data.Sources,
                Rounding = rounding,
                RoundingZh = roundingZh,
                LowerBound = data.LowerBound,
                RoundedDown = shown?.RoundedDown ?? false,
                Approved = data.Approved,
                Failures = data.Failures,
                Notes = markers[index],
            };
        }).ToList();
        var reviewNotes = notes.Select((n, i) => new ReviewNote(i + 1, n.Reason, n.Rule, n.Text, n.Figures)).ToList();
        return (resolved, figures, reviewNotes);
    }

    private List<int> NotesOf(int index, int figureNumber, Dictionary<string, int> noteNumbers, List<(string Key, NoteReason Reason, string? Rule, string Text, List<int> Figures)> notes)
    {
        var (data, _, words, _, _) = _candidates[index];
        var marks = new List<int>();
        void Note(string key, NoteReason reason, string? rule, Func<string> describe)
        {
            if (!noteNumbers.TryGetValue(key, out var n))
            {
                notes.Add((key, reason, rule, describe(), []));
                n = notes.Count;
                noteNumbers[key] = n;
            }
            notes[n - 1].Figures.Add(figureNumber);
            if (!marks.Contains(n)) marks.Add(n);
        }

        var what = data.Indicator is { } indicator ? $"{indicator.NameZh}（{indicator.Code}）" : data.CaseType ?? string.Empty;
        foreach (var failure in data.Failures)
        {
            Note($"rule|{data.Key}|{failure.Rule}", NoteReason.FailedRule, failure.Rule,
                () => $"{what}{words}未通过数据校验（规则 {failure.Rule}）：{failure.Message}。该数字照录上报数据，使用前请核实。");
        }
        if (!data.Approved)
        {
            Note($"unapproved|{data.Period}", NoteReason.NotApproved, null,
                () => $"{data.Period}年数据尚未审核确认（期间未锁定），所标数字可能变动。");
        }
        return marks;
    }

    /// <summary>Drops the token characters from text taken from data, so data can never forge a figure.</summary>
    public static string Clean(string text)
    {
        if (text.AsSpan().IndexOfAny(Open, Mid, Close) < 0) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) if (c is not (Open or Mid or Close)) sb.Append(c);
        return sb.ToString();
    }
}

/// <summary>A template asked for something the data or the filters cannot give; <see cref="Needle"/> finds its line.</summary>
internal sealed class TemplateDataException(string message, string needle) : Exception(message)
{
    /// <summary>Text of the template the mistake is near (a filter or member name).</summary>
    public string Needle { get; } = needle;
}
