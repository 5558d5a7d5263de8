using System.Globalization;
using System.Text.RegularExpressions;
using Dongming.Domain;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Dongming.Reports;

/// <summary>
/// The Liquid templates of the review (Fluid): the default ones embedded from Templates/, a caller's own text
/// parsed on demand, and the filters that write figures in the clerk's style:
/// <list type="bullet">
/// <item><c>{{ f.livestock_sheep | num: "只" }}</c> — a figure with its counter; named arguments
/// <c>counter</c>, <c>q</c> (突破, 超过, 余, 以上, or a combination such as "超过余"), <c>scale</c> ("", 万, 亿),
/// <c>decimals</c> (at most this many in the scale, rounded down).</item>
/// <item><c>{{ f.regional_epidemics | word: "零发生" }}</c> — a figure stated in words.</item>
/// <item><c>{{ f.crop_silage_maize_area.villages | names: 3 }}</c> — the first names joined with 、.</item>
/// <item><c>{{ captured | clauses: "；", "。", "其中" }}</c> — the non-empty clauses of a capture (separated by ¦)
/// joined with the separator, with the start and end added; nothing when every clause is empty. So a sentence
/// whose parts depend on the data never shows a dangling comma.</item>
/// </list>
/// A template mistake is INVALID_ARGUMENT on the field "template", with its line.
/// </summary>
public static partial class ReviewTemplates
{
    /// <summary>Name of the default review template (the body: 工作回顾 and 工作安排).</summary>
    public const string ReviewName = "review.zh.liquid";

    /// <summary>Name of the appendix template (notes on marked figures, the figures table).</summary>
    public const string AppendixName = "appendix.zh.liquid";

    /// <summary>Most statements a render may run: a template cannot loop for ever.</summary>
    public const int MaxSteps = 500_000;

    private static readonly FluidParser Parser = CreateParser();
    private static readonly Lazy<IFluidTemplate> Review = new(() => ParseEmbedded(ReviewName));
    private static readonly Lazy<IFluidTemplate> Appendix = new(() => ParseEmbedded(AppendixName));

    [GeneratedRegex(@"at \((?<line>[0-9]+):(?<col>[0-9]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex Position();

    [GeneratedRegex(@"Undefined filter '(?<name>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex UndefinedFilter();

    /// <summary>
    /// Liquid's comparisons look at the left operand's type only (a figure on the left of > never compares);
    /// figures compare by their exact value whichever side they are on.
    /// </summary>
    private static FluidParser CreateParser()
    {
        var parser = new FluidParser(new FluidParserOptions { AllowFunctions = false });
        foreach (var (op, compare) in new (string, Func<decimal, decimal, bool>)[]
        {
            (">", (a, b) => a > b), ("<", (a, b) => a < b), (">=", (a, b) => a >= b), ("<=", (a, b) => a <= b),
            ("==", (a, b) => a == b), ("!=", (a, b) => a != b), ("<>", (a, b) => a != b),
        })
        {
            var original = parser.RegisteredOperators[op];
            parser.RegisteredOperators[op] = (left, right) => new FigureComparison(original(left, right), left, right, compare);
        }
        return parser;
    }

    private sealed class FigureComparison(Expression original, Expression left, Expression right, Func<decimal, decimal, bool> compare) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var a = await left.EvaluateAsync(context);
            var b = await right.EvaluateAsync(context);
            if ((a is FigureValue && (b is FigureValue or NumberValue)) || (b is FigureValue && a is NumberValue))
                return BooleanValue.Create(compare(a.ToNumberValue(), b.ToNumberValue()));
            return await original.EvaluateAsync(context);
        }
    }

    /// <summary>The text of a default template (for a township to start its own from).</summary>
    public static string DefaultText(string name)
    {
        using var stream = typeof(ReviewTemplates).Assembly.GetManifestResourceStream("Dongming.Reports.Templates." + name)
            ?? throw new ArgumentException($"no default template {name}", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static IFluidTemplate DefaultReview => Review.Value;

    internal static IFluidTemplate DefaultAppendix => Appendix.Value;

    private static IFluidTemplate ParseEmbedded(string name) =>
        Parser.TryParse(DefaultText(name), out var template, out var error) ? template : throw new InvalidOperationException($"default template {name}: {error}");

    /// <summary>Parses a caller's template; a syntax error is INVALID_ARGUMENT with its line and column.</summary>
    public static IFluidTemplate Parse(string text)
    {
        if (Parser.TryParse(text, out var template, out var error)) return template;
        var firstLine = error.Split('\n')[0].Trim();
        var m = Position().Match(firstLine);
        var where = m.Success ? $"line {m.Groups["line"].Value}, column {m.Groups["col"].Value}: " : string.Empty;
        var message = m.Success ? firstLine[..m.Index].TrimEnd() : firstLine;
        throw DomainException.Invalid("template", $"{where}{message}");
    }

    /// <summary>Options shared by every render: the filters, strict filters, bounded steps, a fixed culture.</summary>
    internal static TemplateOptions Options(int year)
    {
        var options = new TemplateOptions
        {
            StrictFilters = true,
            MaxSteps = MaxSteps,
            MaxRecursion = 20,
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            // "now" is the last day of the year under review: the same input always writes the same text.
            Now = () => new DateTimeOffset(year, 12, 31, 0, 0, 0, TimeSpan.FromHours(8)),
        };
        options.Filters.AddFilter("num", Num);
        options.Filters.AddFilter("word", Word);
        options.Filters.AddFilter("names", Names);
        options.Filters.AddFilter("clauses", Clauses);
        options.Filters.AddFilter("numeral_zh", (input, _, _) => new StringValue(BatchLabels.Numeral((int)input.ToNumberValue())));
        return options;
    }

    /// <summary>Renders, turning every template mistake into INVALID_ARGUMENT with the line it is on.</summary>
    internal static string Render(IFluidTemplate template, TemplateContext context, string? source, string templateName)
    {
        try
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            // Every value of the model is at hand, so the render completes synchronously.
            var rendering = template.RenderAsync(writer, NullEncoder.Default, context);
            if (!rendering.IsCompleted) rendering.AsTask().GetAwaiter().GetResult();
            else rendering.GetAwaiter().GetResult();
            return writer.ToString();
        }
        catch (TemplateDataException e)
        {
            throw Invalid(templateName, source, e.Needle, e.Message);
        }
        catch (IOException e)
        {
            throw Invalid(templateName, source, "include", $"a review is one template: include and render of other templates are not available ({e.Message})");
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException or FormatException or ArithmeticException or NotSupportedException)
        {
            var needle = UndefinedFilter().Match(e.Message) is { Success: true } m ? m.Groups["name"].Value : null;
            throw Invalid(templateName, source, needle, e.Message);
        }
    }

    internal static DomainException Invalid(string templateName, string? source, string? needle, string message)
    {
        var line = source is null || string.IsNullOrEmpty(needle) ? 0 : LineOf(source, needle);
        var where = line > 0 ? $"line {line}: " : string.Empty;
        var which = source is null ? $"default template {templateName}: " : string.Empty;
        return DomainException.Invalid("template", $"{which}{where}{message}");
    }

    /// <summary>The first line (1-based) holding <paramref name="needle"/>, or 0.</summary>
    internal static int LineOf(string source, string needle)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(needle, StringComparison.Ordinal)) return i + 1;
        }
        return 0;
    }

    private static ValueTask<FluidValue> Num(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil()) return new StringValue("（无数据）");
        if (input is not FigureValue figure)
            throw new TemplateDataException($"num writes figures (f.…, cases.…, plan.…), not \"{input.ToStringValue()}\": a number in the text must come from the data", "num");
        var style = NumberStyle.Default;
        var code = figure.Data.Indicator?.Code ?? figure.Data.CaseType ?? "num";
        foreach (var name in arguments.Names)
        {
            if (name is not ("counter" or "q" or "scale" or "decimals"))
                throw new TemplateDataException($"num has no argument \"{name}\" (counter, q, scale, decimals)", name + ":");
        }
        try
        {
            // The counter may come first without a name: num: "只", q: "余".
            var counter = arguments.HasNamed("counter") ? arguments["counter"] : arguments.Count > arguments.Names.Count() ? arguments.At(0) : null;
            if (counter is not null) style = style with { Counter = counter.ToStringValue() };
            if (arguments.HasNamed("q")) style = style with { Qualifier = ClerkNumbers.ParseQualifier(arguments["q"].ToStringValue()) };
            if (arguments.HasNamed("scale")) style = style with { Scale = arguments["scale"].ToStringValue() };
            if (arguments.HasNamed("decimals")) style = style with { Decimals = (int)arguments["decimals"].ToNumberValue() };
            return new StringValue(figure.Show(style));
        }
        catch (ArgumentException e)
        {
            throw new TemplateDataException($"num ({code}): {e.Message}", code);
        }
    }

    private static ValueTask<FluidValue> Word(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil()) return new StringValue("（无数据）");
        if (input is not FigureValue figure) throw new TemplateDataException("word states a figure (f.…) in words; its input is not a figure", "word");
        var words = arguments.At(0).ToStringValue();
        if (string.IsNullOrWhiteSpace(words)) throw new TemplateDataException("word needs the words to state the figure in: word: \"全覆盖\"", "word");
        return new StringValue(figure.ShowInWords(FigureBook.Clean(words)));
    }

    /// <summary>Separates the clauses of a capture for <c>clauses</c>.</summary>
    public const char ClauseSeparator = '¦';

    private static ValueTask<FluidValue> Clauses(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var separator = arguments.Count > 0 ? arguments.At(0).ToStringValue() : "，";
        var end = arguments.Count > 1 ? arguments.At(1).ToStringValue() : string.Empty;
        var start = arguments.Count > 2 ? arguments.At(2).ToStringValue() : string.Empty;
        var clauses = input.ToStringValue().Split(ClauseSeparator).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        return new StringValue(clauses.Count == 0 ? string.Empty : start + string.Join(separator, clauses) + end);
    }

    private static ValueTask<FluidValue> Names(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var names = input.Enumerate(context).Select(v => v.ToStringValue()).ToList();
        var take = arguments.Count > 0 ? (int)arguments.At(0).ToNumberValue() : names.Count;
        return new StringValue(string.Join("、", names.Take(Math.Max(0, take))));
    }
}
