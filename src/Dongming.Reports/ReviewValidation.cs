using System.Globalization;
using System.Text.RegularExpressions;
using Dongming.Domain;

namespace Dongming.Reports;

/// <summary>
/// Checks a review's input before anything is written: every bad field at once (INVALID_ARGUMENT), with the
/// domain's own rules for values (<see cref="Units.CheckValue"/>), periods, batches and ids.
/// </summary>
public static partial class ReviewValidation
{
    /// <summary>Longest template text accepted.</summary>
    public const int MaxTemplateLength = 200_000;

    public static void Check(ReviewInput input, string? template)
    {
        var v = new Violations();
        if (input.Township is null) v.Add("township", "is required");
        else
        {
            Text.CheckOrgUnitId(v, "township.township_id", input.Township.TownshipId);
            Text.CheckText(v, "township.name", input.Township.Name, 64, required: true);
        }
        if (input.Year is < Period.MinYear or >= Period.MaxYear) v.Add("year", $"must be a year between {Period.MinYear} and {Period.MaxYear - 1}");
        if (input.Catalog is null) { v.Add("catalog", "is required"); v.ThrowIfAny(); }
        var catalog = input.Catalog!;

        var seenVillages = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < input.Villages.Count; i++)
        {
            var village = input.Villages[i];
            Text.CheckOrgUnitId(v, $"villages[{i}].village_id", village.VillageId);
            Text.CheckText(v, $"villages[{i}].name", village.Name, 64, required: true);
            if (!seenVillages.Add(village.VillageId ?? string.Empty)) v.Add($"villages[{i}].village_id", $"{village.VillageId} appears more than once");
        }

        var caseTypes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < input.CaseTypes.Count; i++)
        {
            Text.CheckCode(v, $"case_types[{i}].code", input.CaseTypes[i].Code);
            Text.CheckText(v, $"case_types[{i}].name_zh", input.CaseTypes[i].NameZh, 100, required: true);
            if (!caseTypes.Add(input.CaseTypes[i].Code ?? string.Empty)) v.Add($"case_types[{i}].code", $"{input.CaseTypes[i].Code} appears more than once");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < input.Figures.Count; i++)
        {
            var f = input.Figures[i];
            var field = $"figures[{i}]";
            if (!catalog.TryGet(f.Indicator ?? string.Empty, out var indicator))
            {
                v.Add($"{field}.indicator", string.IsNullOrEmpty(f.Indicator) ? "is required" : $"{f.Indicator} is not in the catalog");
                continue;
            }
            if (!seen.Add(indicator.Code)) v.Add($"{field}.indicator", $"{indicator.Code} appears more than once");
            if (f.Unit != indicator.Unit) v.Add($"{field}.unit", $"must be {indicator.Unit}, the unit of {indicator.Code}");
            Units.CheckValue(v, $"{field}.value", indicator, f.Value);
            if (f.PreviousValue is { } previous) Units.CheckValue(v, $"{field}.previous_value", indicator, previous);
            if (f.VillagesReporting < 0) v.Add($"{field}.villages_reporting", "must not be negative");
            CheckSources(v, $"{field}.sources", f.Sources);
            for (var j = 0; j < f.Failures.Count; j++)
            {
                Text.CheckText(v, $"{field}.failures[{j}].rule", f.Failures[j].Rule, 64, required: true);
                Text.CheckText(v, $"{field}.failures[{j}].message", f.Failures[j].Message, Text.MaxNoteLength, required: true);
            }
        }

        var rows = new HashSet<(string, string, CaseStatus)>();
        for (var i = 0; i < input.Cases.Count; i++)
        {
            var c = input.Cases[i];
            var field = $"cases[{i}]";
            if (!caseTypes.Contains(c.CaseType ?? string.Empty)) v.Add($"{field}.case_type", string.IsNullOrEmpty(c.CaseType) ? "is required" : $"{c.CaseType} is not among the case types");
            Batches.Check(v, $"{field}.batch", c.Batch);
            if (!Enum.IsDefined(c.Status)) v.Add($"{field}.status", "is not a case status");
            if (!rows.Add((c.CaseType ?? string.Empty, c.Batch ?? string.Empty, c.Status))) v.Add(field, "the same case type, batch and status appear more than once");
            if (c.Count < 0) v.Add($"{field}.count", "must not be negative");
            foreach (var (name, n) in new[] { ("on_time", c.OnTime), ("overdue", c.Overdue), ("repeat", c.Repeat), ("returned", c.Returned), ("repeat_or_returned", c.RepeatOrReturned) })
            {
                if (n < 0) v.Add($"{field}.{name}", "must not be negative");
                else if (n > c.Count) v.Add($"{field}.{name}", $"must not exceed count ({c.Count})");
            }
            if (c.RepeatOrReturned < Math.Max(c.Repeat, c.Returned) || c.RepeatOrReturned > c.Repeat + c.Returned)
                v.Add($"{field}.repeat_or_returned", "must lie between the larger of repeat and returned and their sum");
            CheckSources(v, $"{field}.sources", c.Sources);
        }

        var targets = new HashSet<(string, string)>();
        for (var i = 0; i < input.Targets.Count; i++)
        {
            var t = input.Targets[i];
            var field = $"targets[{i}]";
            var period = Period.Parse(v, $"{field}.period", t.Period);
            if (!catalog.TryGet(t.Indicator ?? string.Empty, out var indicator))
            {
                v.Add($"{field}.indicator", string.IsNullOrEmpty(t.Indicator) ? "is required" : $"{t.Indicator} is not in the catalog");
                continue;
            }
            if (period is { } p && !targets.Add((indicator.Code, p.ToString()))) v.Add(field, $"{indicator.Code} has more than one target for {p}");
            Units.CheckValue(v, $"{field}.value", indicator, t.Value);
            if (!Enum.IsDefined(t.Direction)) v.Add($"{field}.direction", "must be at least, at most or exactly");
            Text.CheckText(v, $"{field}.note", t.Note, Text.MaxNoteLength);
            CheckSources(v, $"{field}.sources", t.Sources);
        }

        if (template is not null)
        {
            if (string.IsNullOrWhiteSpace(template)) v.Add("template", "must not be empty (leave it out for the default template)");
            else if (template.Length > MaxTemplateLength) v.Add("template", $"must be at most {MaxTemplateLength} characters");
            else if (!Text.IsCleanText(template, allowNewLines: true)) v.Add("template", "must not contain control characters or invalid UTF-16");
            else if (HugeRange(template) is { } range) v.Add("template", $"line {range.Line}: a range must have whole-number bounds at most {ReviewTemplates.MaxSteps} apart ({range.Text})");
        }
        v.ThrowIfAny();
    }

    private static void CheckSources(Violations v, string field, IReadOnlyList<FigureSource> sources)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < sources.Count; j++)
        {
            Text.CheckOrgUnitId(v, $"{field}[{j}].org_unit_id", sources[j].OrgUnitId);
            if (sources[j].Version < 0) v.Add($"{field}[{j}].version", "must not be negative");
            if (!seen.Add(sources[j].OrgUnitId ?? string.Empty)) v.Add($"{field}[{j}].org_unit_id", $"{sources[j].OrgUnitId} appears more than once");
        }
    }

    [GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\(\s*(?<from>[^()]*?)\s*\.\.\s*(?<to>[^()]*?)\s*\)", RegexOptions.CultureInvariant)]
    private static partial Regex Range();

    /// <summary>
    /// The first range (a..b) of a tag that is not two whole numbers at most <see cref="ReviewTemplates.MaxSteps"/>
    /// apart: Liquid builds a range's items before the loop runs, so the bound on steps alone cannot stop a huge one.
    /// </summary>
    private static (int Line, string Text)? HugeRange(string template)
    {
        foreach (Match tag in Tag().Matches(template))
        {
            foreach (Match range in Range().Matches(tag.Value))
            {
                var ok = long.TryParse(range.Groups["from"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var from)
                    && long.TryParse(range.Groups["to"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var to)
                    && Math.Abs((decimal)to - from) <= ReviewTemplates.MaxSteps;
                if (ok) continue;
                var line = template.AsSpan(0, tag.Index + range.Index).Count('\n') + 1;
                var text = range.Value.Length <= 40 ? range.Value : range.Value[..40] + "…";
                return (line, text);
            }
        }
        return null;
    }
}
