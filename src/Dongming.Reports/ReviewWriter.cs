using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dongming.Domain;
using Fluid;
using Fluid.Values;

namespace Dongming.Reports;

/// <summary>
/// Writes the township's yearly work report — the review of the year (工作回顾) and the plan of the next
/// (工作安排) — from data, in Markdown or Word. The same input always gives the same bytes.
/// </summary>
public static partial class ReviewWriter
{
    [GeneratedRegex(@"\n{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"[ \t]+\n", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingSpace();

    /// <summary>
    /// Writes the review of <see cref="ReviewInput.Year"/>. <paramref name="template"/> replaces the default
    /// body template (Templates/review.zh.liquid); the notes and figures appendix always follow it, so a marked
    /// figure is always explained. Bad input or a template mistake is a <see cref="DomainException"/>
    /// (INVALID_ARGUMENT, every bad field at once; a template mistake names its line).
    /// </summary>
    public static RenderedReview Render(ReviewInput input, ReviewFormat format, string? template = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ReviewValidation.Check(input, template);
        if (!Enum.IsDefined(format)) throw DomainException.Invalid("format", "must be MARKDOWN or DOCX");
        var body = template is null ? ReviewTemplates.DefaultReview : ReviewTemplates.Parse(template);

        var book = new FigureBook();
        var scope = new ReviewScope(input, book);
        var options = ReviewTemplates.Options(input.Year);
        var context = new TemplateContext(options);
        var plan = new PlanValue(scope);
        context.SetValue("township", FluidValue.Create(new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["id"] = input.Township.TownshipId,
            ["name"] = Markdown.Escape(FigureBook.Clean(input.Township.Name)),
        }, options));
        context.SetValue("year", NumberValue.Create(input.Year));
        context.SetValue("next_year", NumberValue.Create(input.Year + 1));
        context.SetValue("previous_year", NumberValue.Create(input.Year - 1));
        context.SetValue("f", new FiguresValue(scope));
        context.SetValue("cases", new CasesValue(scope));
        context.SetValue("plan", plan);
        context.SetValue("targets", new ArrayValue([.. plan.All]));

        var written = ReviewTemplates.Render(body, context, template, ReviewTemplates.ReviewName);
        string text;
        IReadOnlyList<ShownFigure> figures;
        IReadOnlyList<ReviewNote> notes;
        try
        {
            (text, figures, notes) = book.Resolve(written);
        }
        catch (TemplateDataException e)
        {
            throw ReviewTemplates.Invalid(ReviewTemplates.ReviewName, template, null, e.Message);
        }

        var appendixContext = new TemplateContext(AppendixModel(input, scope, figures, notes), ReviewTemplates.Options(input.Year), allowModelMembers: true);
        var appendix = ReviewTemplates.Render(ReviewTemplates.DefaultAppendix, appendixContext, null, ReviewTemplates.AppendixName);

        var markdown = Tidy(text + "\n\n" + appendix);
        var content = format == ReviewFormat.Docx
            ? DocxWriter.Write(markdown, new DocxProperties($"{input.Township.Name}{input.Year}年工作报告", input.Township.Name))
            : new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(markdown);
        return new RenderedReview(content, format == ReviewFormat.Docx ? RenderedReview.DocxMediaType : RenderedReview.MarkdownMediaType, markdown, figures, notes);
    }

    /// <summary>A status as the appendix names it (src/Dongming.Domain/Cases.cs gives the lifecycle).</summary>
    private static string StatusZh(CaseStatus status) => status switch
    {
        CaseStatus.Reported => "已受理",
        CaseStatus.Investigating => "查处中",
        CaseStatus.Rectifying => "整改中",
        CaseStatus.Rectified => "已整改",
        CaseStatus.Closed => "已销号办结",
        CaseStatus.Controlled => "封控管理",
        CaseStatus.Transferred => "导入诉仲程序",
        _ => "重新办理",
    };

    /// <summary>Line ends \n, no trailing spaces, at most one blank line in a row, one final newline.</summary>
    private static string Tidy(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        text = TrailingSpace().Replace(text, "\n");
        text = BlankLines().Replace(text, "\n\n");
        return text.Trim('\n') + "\n";
    }

    /// <summary>The appendix's model: plain strings (Markdown-escaped), nothing that writes a figure.</summary>
    private static Dictionary<string, object> AppendixModel(ReviewInput input, ReviewScope scope, IReadOnlyList<ShownFigure> figures, IReadOnlyList<ReviewNote> notes)
    {
        string Esc(string s) => Markdown.Escape(FigureBook.Clean(s));
        // An org unit read at one version for every figure is listed once, with that version, in the table of
        // org units; one read at several versions carries #version in each row. A figure from every village of
        // the roster says so instead of naming all of them.
        var versions = figures.SelectMany(f => f.Sources).GroupBy(s => s.OrgUnitId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(s => s.Version).Distinct().Order().ToList(), StringComparer.Ordinal);
        var roster = input.Villages.Select(v => v.VillageId).ToHashSet(StringComparer.Ordinal);
        string Unit(FigureSource s) => versions[s.OrgUnitId].Count == 1 ? Esc(scope.NameOf(s.OrgUnitId)) : $"{Esc(scope.NameOf(s.OrgUnitId))}#{s.Version.ToString(CultureInfo.InvariantCulture)}";
        string Sources(IReadOnlyList<FigureSource> sources)
        {
            var villages = sources.Where(s => scope.IsVillage(s.OrgUnitId)).ToList();
            var parts = sources.Where(s => !scope.IsVillage(s.OrgUnitId)).Select(Unit).ToList();
            if (roster.Count > 1 && roster.SetEquals(villages.Select(s => s.OrgUnitId)))
            {
                var apart = villages.Where(s => versions[s.OrgUnitId].Count > 1).Select(Unit).ToList();
                parts.Add($"全镇{roster.Count.ToString(CultureInfo.InvariantCulture)}个嘎查村" + (apart.Count > 0 ? $"（{string.Join("、", apart)}）" : string.Empty));
            }
            else parts.AddRange(villages.Select(Unit));
            return string.Join("、", parts);
        }
        var order = input.Villages.Select((v, i) => (v.VillageId, i)).ToDictionary(x => x.VillageId, x => x.i, StringComparer.Ordinal);
        var units = versions.Keys
            .OrderBy(id => id == input.Township.TownshipId ? -1 : order.GetValueOrDefault(id, int.MaxValue)).ThenBy(id => id, StringComparer.Ordinal)
            .Select(id => new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["name"] = Esc(scope.NameOf(id)),
                ["id"] = Esc(id),
                ["version"] = versions[id].Count == 1 ? versions[id][0].ToString(CultureInfo.InvariantCulture) : "各行分别注明",
            }).ToList();
        string What(ShownFigure f)
        {
            if (f.Indicator is { } code && input.Catalog.TryGet(code, out var indicator))
            {
                var measure = f.Measure switch
                {
                    FigureMeasure.VillagesReporting => "（填报嘎查村数）",
                    FigureMeasure.PreviousYear => "（上年）",
                    FigureMeasure.Target => "（目标）",
                    _ => string.Empty,
                };
                return $"{Esc(indicator.NameZh)}{measure} `{code}`";
            }
            var type = input.CaseTypes.FirstOrDefault(t => t.Code == f.CaseType);
            var batches = f.Batches.Count > 0 ? $" {string.Join(",", f.Batches)}" : string.Empty;
            var statuses = f.Statuses.Count > 0 ? $" {string.Join("、", f.Statuses.Select(StatusZh))}" : string.Empty;
            var of = f.CountOf switch
            {
                CaseCountOf.OnTime => "（按期）",
                CaseCountOf.Overdue => "（逾期）",
                CaseCountOf.Repeat => "（重复）",
                CaseCountOf.Returned => "（倒流）",
                CaseCountOf.RepeatOrReturned => "（重复、倒流）",
                _ => string.Empty,
            };
            var rate = f.Measure == FigureMeasure.CaseRate ? "办结率 " : string.Empty;
            return $"{rate}{Esc(type?.NameZh ?? f.CaseType ?? string.Empty)}{of} `{f.CaseType}`{batches}{statuses}";
        }
        string Handling(ShownFigure f) => f.Notes.Count > 0 ? $"{f.RoundingZh}；见注{string.Join("、", f.Notes)}" : f.RoundingZh;

        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["township"] = Esc(input.Township.Name),
            ["year"] = input.Year,
            ["units"] = units,
            ["notes"] = notes.Select(n => new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["number"] = n.Number,
                ["text"] = Esc(n.Text),
                ["figures"] = string.Join("、", n.Figures),
            }).ToList(),
            ["figures"] = figures.Select(f => new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["number"] = f.Number,
                ["text"] = Esc(f.Text),
                ["value"] = ExactDecimal.Format(f.Value) + " " + f.Unit,
                ["what"] = What(f),
                ["period"] = f.Period,
                ["sources"] = f.Sources.Count == 0 ? "—" : Sources(f.Sources),
                ["handling"] = Handling(f),
            }).ToList(),
        };
    }
}
