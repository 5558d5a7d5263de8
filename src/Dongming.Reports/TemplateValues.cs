using System.Globalization;
using System.Text.Encodings.Web;
using Dongming.Domain;
using Fluid;
using Fluid.Values;

namespace Dongming.Reports;

/// <summary>A template object whose members are looked up by name (f.crop_chili_area, cases.hotline_ticket.closed).</summary>
internal abstract class MembersValue : FluidValue
{
    public override FluidValues Type => FluidValues.Object;

    protected abstract FluidValue Member(string name);

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(Member(name));

    public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => string.Empty;

    public override object ToObjectValue() => this;

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => default;

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    protected static FluidValue Text(string? text) => text is null ? NilValue.Instance : new StringValue(Markdown.Escape(FigureBook.Clean(text)));

    protected static FluidValue Bool(bool value) => BooleanValue.Create(value);
}

/// <summary>
/// A figure the template can show (| num, | word) or compare (f.x > 0, f.x == 1). It is never a plain number,
/// so whatever the template does with it, the text shows it in the clerk's style and lists it in figures[].
/// </summary>
internal sealed class FigureValue(FigureData data, ReviewScope scope, FigureExtras? extras = null) : FluidValue
{
    public FigureData Data { get; } = data;

    public override FluidValues Type => FluidValues.Object;

    public override bool Equals(FluidValue other) => other switch
    {
        FigureValue f => f.Data.Value == Data.Value,
        NumberValue n => n.ToNumberValue() == Data.Value,
        _ => false,
    };

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => Data.Value;

    /// <summary>Any filter turning the figure into text gets its recorded wording, so no path shows it untraced.</summary>
    public override string ToStringValue() => Show(NumberStyle.Default);

    public override object ToObjectValue() => this;

    /// <summary>Written without a filter: the default wording, recorded like any other.</summary>
    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(Show(NumberStyle.Default));
        return default;
    }

    public override bool Equals(object? obj) => obj is FigureValue f && Equals(f);

    public override int GetHashCode() => Data.Value.GetHashCode();

    public ShownNumber Shown(NumberStyle style) => ClerkNumbers.Format(Data.Value, Data.Unit, Data.LowerBound, style);

    /// <summary>Formats and records the figure; returns the token for the text.</summary>
    public string Show(NumberStyle style) => scope.Book.Show(Data, Shown(style));

    public string ShowInWords(string words) => scope.Book.ShowInWords(Data, words);

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(name switch
    {
        "lower_bound" => BooleanValue.Create(Data.LowerBound),
        "approved" => BooleanValue.Create(Data.Approved),
        "marked" => BooleanValue.Create(!Data.Approved || Data.Failures.Count > 0),
        "record_high" => BooleanValue.Create(extras?.RecordHigh ?? false),
        "previous" => extras?.Previous is { } p ? p : NilValue.Instance,
        "villages_reporting" => extras?.VillagesReporting is { } v ? v : NilValue.Instance,
        "villages" => new ArrayValue([.. Data.Sources.Where(s => scope.IsVillage(s.OrgUnitId)).Select(s => (FluidValue)new StringValue(Markdown.Escape(FigureBook.Clean(scope.NameOf(s.OrgUnitId)))))]),
        "township_entry" => BooleanValue.Create(Data.Sources.Any(s => s.OrgUnitId == scope.TownshipId)),
        "name" => Data.Indicator is { } i ? new StringValue(Markdown.Escape(i.NameZh)) : NilValue.Instance,
        "code" => Data.Indicator is { } c ? new StringValue(c.Code) : Data.CaseType is { } t ? new StringValue(t) : NilValue.Instance,
        "unit" => new StringValue(Data.Unit),
        "period" => new StringValue(Data.Period),
        "direction" => extras?.Direction is { } d ? new StringValue(d switch
        {
            TargetDirection.AtLeast => "at_least",
            TargetDirection.AtMost => "at_most",
            _ => "exactly",
        }) : NilValue.Instance,
        "note" => extras?.Note is { } n ? new StringValue(Markdown.Escape(FigureBook.Clean(n))) : NilValue.Instance,
        _ => throw new TemplateDataException($"a figure has no member \"{name}\" (members: lower_bound, approved, marked, record_high, previous, villages_reporting, villages, township_entry, name, code, unit, period, direction, note)", "." + name),
    });
}

/// <summary>What only some figures have: a total's comparison and villages, a target's direction and note.</summary>
internal sealed record FigureExtras(bool RecordHigh = false, FigureValue? Previous = null, FigureValue? VillagesReporting = null, TargetDirection? Direction = null, string? Note = null);

/// <summary>The shared state of one render: the figures shown so far and the roster.</summary>
internal sealed class ReviewScope(ReviewInput input, FigureBook book)
{
    private readonly Dictionary<string, VillageInfo> _villages = input.Villages.GroupBy(v => v.VillageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public FigureBook Book { get; } = book;

    public ReviewInput Input { get; } = input;

    public string TownshipId => Input.Township.TownshipId;

    /// <summary>Any org unit but the township's own ledger is a village (named from the roster if it is on it).</summary>
    public bool IsVillage(string orgUnitId) => orgUnitId != TownshipId;

    public string NameOf(string orgUnitId) =>
        orgUnitId == TownshipId ? $"{Input.Township.Name}（镇本级）" : _villages.TryGetValue(orgUnitId, out var v) ? v.Name : orgUnitId;
}

/// <summary>f.&lt;indicator&gt;: the year's township total of an indicator, or nil when none is held.</summary>
internal sealed class FiguresValue : MembersValue
{
    private readonly ReviewScope _scope;
    private readonly Dictionary<string, FigureValue> _figures = new(StringComparer.Ordinal);

    public FiguresValue(ReviewScope scope)
    {
        _scope = scope;
        var year = scope.Input.Year.ToString("D4", CultureInfo.InvariantCulture);
        var previousYear = (scope.Input.Year - 1).ToString("D4", CultureInfo.InvariantCulture);
        foreach (var f in scope.Input.Figures)
        {
            var indicator = scope.Input.Catalog.TryGet(f.Indicator, out var i) ? i : throw new InvalidOperationException("validated");
            var data = new FigureData
            {
                Measure = FigureMeasure.Total,
                Value = f.Value,
                Unit = f.Unit,
                Period = year,
                Indicator = indicator,
                Sources = f.Sources,
                LowerBound = f.LowerBound,
                Approved = f.Approved,
                Failures = f.Failures,
            };
            var previous = f.PreviousValue is { } p
                ? new FigureValue(data with { Measure = FigureMeasure.PreviousYear, Value = p, Period = previousYear, Sources = [], LowerBound = false, Approved = true, Failures = [] }, scope)
                : null;
            var villages = new FigureValue(data with
            {
                Measure = FigureMeasure.VillagesReporting,
                Value = f.VillagesReporting,
                Unit = "village",
                Sources = [.. f.Sources.Where(s => scope.IsVillage(s.OrgUnitId))],
                LowerBound = false,
            }, scope);
            _figures[indicator.Code] = new FigureValue(data, scope, new FigureExtras(f.RecordHigh, previous, villages));
        }
    }

    protected override FluidValue Member(string name)
    {
        if (_figures.TryGetValue(name, out var figure)) return figure;
        if (_scope.Input.Catalog.Contains(name)) return NilValue.Instance;
        throw new TemplateDataException($"f.{name}: {name} is not an indicator of the catalog", name);
    }
}

/// <summary>cases.&lt;case type&gt;: the case counts of a type (all zero when it has no cases).</summary>
internal sealed class CasesValue(ReviewScope scope) : MembersValue
{
    private readonly Dictionary<string, CaseGroupValue> _types = scope.Input.CaseTypes.ToDictionary(
        t => t.Code,
        t => CaseGroupValue.OfType(t, [.. scope.Input.Cases.Where(c => c.CaseType == t.Code)], scope),
        StringComparer.Ordinal);

    protected override FluidValue Member(string name) =>
        _types.TryGetValue(name, out var type) ? type : throw new TemplateDataException($"cases.{name}: {name} is not a case type", name);
}

/// <summary>
/// Cases of one type in some batches: counts by status (each a figure), rates, and — for a whole type — the
/// batches split into those done (every case rectified or closed) and those still in work.
/// </summary>
internal sealed class CaseGroupValue : MembersValue
{
    private readonly CaseTypeDefinition _type;
    private readonly IReadOnlyList<ReviewCaseCount> _rows;
    private readonly ReviewScope _scope;
    private readonly string _label;
    private readonly bool _whole;

    private CaseGroupValue(CaseTypeDefinition type, IReadOnlyList<ReviewCaseCount> rows, ReviewScope scope, string label, bool whole)
    {
        _type = type;
        _rows = rows;
        _scope = scope;
        _label = label;
        _whole = whole;
    }

    public static CaseGroupValue OfType(CaseTypeDefinition type, IReadOnlyList<ReviewCaseCount> rows, ReviewScope scope) =>
        new(type, [.. rows.OrderBy(r => r.Batch ?? string.Empty, BatchOrder.Instance).ThenBy(r => r.Status)], scope, BatchLabels.Label(rows.Select(r => r.Batch)), whole: true);

    private IEnumerable<IGrouping<string, ReviewCaseCount>> ByBatch => _rows.GroupBy(r => r.Batch ?? string.Empty);

    private CaseGroupValue Subgroup(IEnumerable<IGrouping<string, ReviewCaseCount>> batches)
    {
        var rows = batches.SelectMany(b => b).ToList();
        return new CaseGroupValue(_type, rows, _scope, BatchLabels.Label(rows.Select(r => r.Batch)), whole: false);
    }

    private static bool IsDone(IEnumerable<ReviewCaseCount> rows) => rows.All(r => CaseLifecycle.IsCompleted(r.Status) || r.Count == 0);

    private FigureValue Count(Func<ReviewCaseCount, bool> which, CaseCountOf of = CaseCountOf.Cases)
    {
        Func<ReviewCaseCount, int> measure = of switch
        {
            CaseCountOf.OnTime => r => r.OnTime,
            CaseCountOf.Overdue => r => r.Overdue,
            CaseCountOf.Repeat => r => r.Repeat,
            CaseCountOf.Returned => r => r.Returned,
            CaseCountOf.RepeatOrReturned => r => r.RepeatOrReturned,
            _ => r => r.Count,
        };
        var rows = _rows.Where(which).Where(r => measure(r) > 0).ToList();
        return new FigureValue(new FigureData
        {
            Measure = FigureMeasure.CaseCount,
            Value = rows.Sum(measure),
            Unit = "case",
            Period = _scope.Input.Year.ToString("D4", CultureInfo.InvariantCulture),
            CaseType = _type.Code,
            Batches = Batches(rows),
            Statuses = [.. rows.Select(r => r.Status).Distinct().Order()],
            CountOf = of,
            Sources = Sources(rows),
        }, _scope);
    }

    private FluidValue ClosureRate()
    {
        var total = _rows.Sum(r => r.Count);
        if (total == 0) return NilValue.Instance;
        var closedRows = _rows.Where(r => r.Status == CaseStatus.Closed).ToList();
        var closed = closedRows.Sum(r => r.Count);
        return new FigureValue(new FigureData
        {
            Measure = FigureMeasure.CaseRate,
            Value = decimal.Round((decimal)closed / total, ValueRange.MaxRatioDecimals, MidpointRounding.ToZero),
            Unit = Units.Ratio,
            Period = _scope.Input.Year.ToString("D4", CultureInfo.InvariantCulture),
            CaseType = _type.Code,
            Batches = Batches(_rows),
            Statuses = [CaseStatus.Closed],
            Sources = Sources(_rows),
            // A rate that does not divide out exactly is only known to 6 decimals: its wording says so.
            LowerBound = (decimal)closed / total != decimal.Round((decimal)closed / total, ValueRange.MaxRatioDecimals, MidpointRounding.ToZero),
        }, _scope);
    }

    private static IReadOnlyList<string> Batches(IEnumerable<ReviewCaseCount> rows) =>
        [.. rows.Select(r => r.Batch).OfType<string>().Distinct(StringComparer.Ordinal).Order(BatchOrder.Instance)];

    /// <summary>Org units of the rows; an org unit read at several versions (rows of different reads) keeps the latest.</summary>
    private static IReadOnlyList<FigureSource> Sources(IEnumerable<ReviewCaseCount> rows) =>
        [.. rows.SelectMany(r => r.Sources).GroupBy(s => s.OrgUnitId, StringComparer.Ordinal).Select(g => new FigureSource(g.Key, g.Max(s => s.Version))).OrderBy(s => s.OrgUnitId, StringComparer.Ordinal)];

    private int Sum(Func<ReviewCaseCount, bool> which) => _rows.Where(which).Sum(r => r.Count);

    protected override FluidValue Member(string name) => name switch
    {
        "name" => Text(_type.NameZh),
        "code" => new StringValue(_type.Code),
        "label" => Text(_label),
        "any" => Bool(Sum(_ => true) > 0),
        "total" => Count(_ => true),
        "open" => Count(r => CaseLifecycle.IsOpen(r.Status)),
        "working" => Count(r => CaseLifecycle.IsOpen(r.Status) && r.Status != CaseStatus.Controlled),
        "completed" => Count(r => CaseLifecycle.IsCompleted(r.Status)),
        "reported" => Count(r => r.Status == CaseStatus.Reported),
        "investigating" => Count(r => r.Status == CaseStatus.Investigating),
        "rectifying" => Count(r => r.Status is CaseStatus.Rectifying or CaseStatus.Reopened),
        "rectified" => Count(r => r.Status == CaseStatus.Rectified),
        "closed" => Count(r => r.Status == CaseStatus.Closed),
        "controlled" => Count(r => r.Status == CaseStatus.Controlled),
        "transferred" => Count(r => r.Status == CaseStatus.Transferred),
        "on_time" => Count(r => CaseLifecycle.IsCompleted(r.Status), CaseCountOf.OnTime),
        "overdue" => Count(r => CaseLifecycle.IsOpen(r.Status), CaseCountOf.Overdue),
        "repeat" => Count(_ => true, CaseCountOf.Repeat),
        "returned" => Count(_ => true, CaseCountOf.Returned),
        "repeat_or_returned" => Count(_ => true, CaseCountOf.RepeatOrReturned),
        "closure_rate" => ClosureRate(),
        "all_completed" => Bool(Sum(_ => true) > 0 && Sum(r => !CaseLifecycle.IsCompleted(r.Status)) == 0),
        "all_closed" => Bool(Sum(_ => true) > 0 && Sum(r => r.Status != CaseStatus.Closed) == 0),
        "all_on_time" => Bool(Sum(_ => true) > 0 && _rows.Sum(r => r.OnTime) == Sum(_ => true)),
        "any_open" => Bool(Sum(r => CaseLifecycle.IsOpen(r.Status)) > 0),
        "any_investigating" => Bool(Sum(r => r.Status is CaseStatus.Reported or CaseStatus.Investigating) > 0),
        "any_rectifying" => Bool(Sum(r => r.Status is CaseStatus.Rectifying or CaseStatus.Reopened or CaseStatus.Controlled) > 0),
        "done" when _whole => Subgroup(ByBatch.Where(IsDone)),
        "in_work" when _whole => Subgroup(ByBatch.Where(b => !IsDone(b))),
        "batches" when _whole => new ArrayValue([.. ByBatch.Select(b => (FluidValue)Subgroup([b]))]),
        _ => throw new TemplateDataException($"cases of a type have no member \"{name}\"", "." + name),
    };
}

/// <summary>targets / plan.&lt;indicator&gt;: the targets of the year after the one under review.</summary>
internal sealed class PlanValue : MembersValue
{
    private readonly Dictionary<string, FigureValue> _byIndicator = new(StringComparer.Ordinal);
    private readonly ReviewScope _scope;

    public PlanValue(ReviewScope scope)
    {
        _scope = scope;
        var next = (scope.Input.Year + 1).ToString("D4", CultureInfo.InvariantCulture);
        foreach (var t in scope.Input.Targets.Where(t => t.Period == next))
        {
            scope.Input.Catalog.TryGet(t.Indicator, out var indicator);
            var value = new FigureValue(new FigureData
            {
                Measure = FigureMeasure.Target,
                Value = t.Value,
                Unit = indicator!.Unit,
                Period = t.Period,
                Indicator = indicator,
                Sources = t.Sources,
            }, scope, new FigureExtras(Direction: t.Direction, Note: t.Note));
            _byIndicator[indicator.Code] = value;
            All.Add(value);
        }
    }

    /// <summary>The targets of the next year, in the order given.</summary>
    public List<FigureValue> All { get; } = [];

    protected override FluidValue Member(string name)
    {
        if (_byIndicator.TryGetValue(name, out var target)) return target;
        if (_scope.Input.Catalog.Contains(name)) return NilValue.Instance;
        throw new TemplateDataException($"plan.{name}: {name} is not an indicator of the catalog", name);
    }
}

/// <summary>Batches in order: by year, then by number ("2022-2" before "2022-10"); no batch first.</summary>
internal sealed class BatchOrder : IComparer<string>
{
    public static BatchOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (xy, xn) = BatchLabels.Split(x ?? string.Empty);
        var (yy, yn) = BatchLabels.Split(y ?? string.Empty);
        var c = xy.CompareTo(yy);
        if (c != 0) return c;
        c = xn.CompareTo(yn);
        return c != 0 ? c : string.CompareOrdinal(x, y);
    }
}

/// <summary>How the report names batches: "2022-1", "2022-2", "2023-1" → 2022年一期、二期和2023年一期.</summary>
public static class BatchLabels
{
    private static readonly string[] Digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

    /// <summary>Chinese numeral for 0..99 as in 三期, 十二期.</summary>
    public static string Numeral(int n) => n switch
    {
        < 10 => Digits[n],
        10 => "十",
        < 20 => "十" + Digits[n % 10],
        < 100 => Digits[n / 10] + "十" + (n % 10 == 0 ? string.Empty : Digits[n % 10]),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    internal static (int Year, int Number) Split(string batch)
    {
        var dash = batch.IndexOf('-');
        var yearText = dash < 0 ? batch : batch[..dash];
        var year = int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : 0;
        var number = dash >= 0 && int.TryParse(batch[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return (year, number);
    }

    /// <summary>
    /// The label of a set of batches: batches of a year are listed after it (2022年一期、二期); years are joined
    /// by 、 when each has a single batch (2022年二期、2023年一期) and by 和 otherwise, so the groups stay clear
    /// (2022年一期、二期和2023年一期、二期). A batch that is a whole year is that year (2023年).
    /// </summary>
    public static string Label(IEnumerable<string?> batches)
    {
        var years = batches.OfType<string>().Where(b => b.Length > 0).Distinct(StringComparer.Ordinal).Order(BatchOrder.Instance)
            .Select(Split).GroupBy(b => b.Year).ToList();
        if (years.Count == 0) return string.Empty;
        var groups = years.Select(y =>
        {
            var numbers = y.Where(b => b.Number > 0).Select(b => Numeral(b.Number) + "期").ToList();
            return $"{y.Key}年" + string.Join("、", numbers);
        }).ToList();
        if (groups.Count == 1) return groups[0];
        var joiner = years.Any(y => y.Count(b => b.Number > 0) > 1) ? "和" : "、";
        return string.Join("、", groups.Take(groups.Count - 1)) + joiner + groups[^1];
    }
}
