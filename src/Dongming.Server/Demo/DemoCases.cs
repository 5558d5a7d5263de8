using Dongming.Domain;

namespace Dongming.Server.Demo;

/// <summary>
/// The remediation cases of the 2023 report (cases-2023.tsv), spread over villages. Counts by type, batch and
/// status are the report's; which village holds which case, the dates and the split of the 455 forestry
/// patches over their four batches are illustrative. The 2023-3 forestry batch is "under investigation and
/// rectification" with no count given: the demo opens 7 such patches, all still open.
/// </summary>
public static class DemoCases
{
    public sealed record DemoCase(string OrgUnitId, OpenCaseCommand Command, IReadOnlyList<(CaseStatus To, DateOnly On, string? Note)> Transitions);

    /// <summary>Patches of batch 2023-3 still open in the demo (the report gives no count).</summary>
    public const int OpenForestPatches2023Batch3 = 7;

    public static IReadOnlyList<DemoCase> Build(DemoDataset data)
    {
        var villages = data.Villages.Select(v => v.VillageId).ToList();
        var cases = new List<DemoCase>();
        var n = 0;
        string Village(int i) => villages[i % villages.Count];
        DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd");

        void Add(string type, string? batch, string title, DateOnly opened, DateOnly deadline, CaseSource source, string? category,
            (CaseStatus, DateOnly, string?)[] path, bool repeat = false, bool returned = false, string? unit = null, string? area = null)
        {
            var id = $"demo-2023-case-{++n:D4}";
            var org = unit ?? Village(n * 7);
            cases.Add(new DemoCase(org, new OpenCaseCommand(org, type, batch, title, null, CaseDates.Format(deadline), category, source, null, id,
                CaseDates.Format(opened), null, null, area, repeat, returned, "2023 work report (illustrative detail)"), path));
        }

        (CaseStatus, DateOnly, string?)[] Rectified(DateOnly start, bool investigate = true) => investigate
            ? [(CaseStatus.Investigating, start.AddDays(5), null), (CaseStatus.Rectifying, start.AddDays(15), null), (CaseStatus.Rectified, start.AddDays(60), "按期完成整改")]
            : [(CaseStatus.Rectifying, start.AddDays(3), null), (CaseStatus.Rectified, start.AddDays(20), "已整改")];

        // 455 forestry patches of four batches, all rectified on time (split over batches illustrative).
        foreach (var (batch, count, opened, deadline) in new[] { ("2022-1", 120, "2022-04-15", "2022-09-30"), ("2022-2", 110, "2022-08-15", "2023-01-31"), ("2023-1", 115, "2023-03-20", "2023-08-31"), ("2023-2", 110, "2023-06-20", "2023-11-30") })
            for (var i = 0; i < count; i++)
                Add("forest_violation_patch", batch, $"林业违法图斑 {batch} #{i + 1}", D(opened), D(deadline), CaseSource.AssignedFromAbove, null, Rectified(D(opened)), area: "3.5");
        // 2023-3: still under investigation and rectification.
        for (var i = 0; i < OpenForestPatches2023Batch3; i++)
            Add("forest_violation_patch", "2023-3", $"林业违法图斑 2023-3 #{i + 1}", D("2023-11-10"), D("2024-05-31"), CaseSource.AssignedFromAbove, null,
                i < 3 ? [(CaseStatus.Investigating, D("2023-11-20"), "查处中")] : [(CaseStatus.Investigating, D("2023-11-20"), null), (CaseStatus.Rectifying, D("2023-12-05"), "整改中")]);
        // 95 grassland patches of 2022-2 and 2023-1, rectified on time.
        foreach (var (batch, count, opened, deadline) in new[] { ("2022-2", 45, "2022-08-15", "2023-01-31"), ("2023-1", 50, "2023-03-20", "2023-08-31") })
            for (var i = 0; i < count; i++)
                Add("grassland_violation_patch", batch, $"草原违法图斑 {batch} #{i + 1}", D(opened), D(deadline), CaseSource.AssignedFromAbove, null, Rectified(D(opened)));
        // 215 work-safety hazards, all rectified.
        var areas = new[] { "road_traffic", "food_drugs", "fire", "housing" };
        for (var i = 0; i < 215; i++)
        {
            var opened = D("2023-02-01").AddDays(i % 300);
            Add("safety_hazard", "2023", $"安全生产隐患 #{i + 1}", opened, opened.AddDays(30), CaseSource.Inspection, areas[i % 4], Rectified(opened, investigate: false));
        }
        // 12 self-built house hazards: 10 rectified and struck off, 2 sealed off.
        for (var i = 0; i < 12; i++)
        {
            var opened = D("2023-05-10").AddDays(i * 7);
            Add("selfbuilt_house_hazard", "2023", $"自建房安全隐患 #{i + 1}", opened, opened.AddDays(90), CaseSource.Screening, "housing",
                i < 10 ? [.. Rectified(opened, investigate: false), (CaseStatus.Closed, opened.AddDays(30), "整改销号")] : [(CaseStatus.Controlled, opened.AddDays(10), "封控管理")]);
        }
        // 11 petitions assigned from above, all closed; 6 repeat (重复) or returned (倒流).
        for (var i = 0; i < 11; i++)
        {
            var opened = D("2023-03-01").AddDays(i * 20);
            Add("assigned_petition", "2023", $"上级交办信访案件 #{i + 1}", opened, opened.AddDays(60), CaseSource.AssignedFromAbove, null,
                [(CaseStatus.Investigating, opened.AddDays(3), null), (CaseStatus.Closed, opened.AddDays(30), "办结")], repeat: i < 4, returned: i is 4 or 5);
        }
        // 17 disputes found in screening: 14 closed, 3 sent to litigation or arbitration.
        for (var i = 0; i < 17; i++)
        {
            var opened = D("2023-04-01").AddDays(i * 12);
            Add("dispute", "2023", $"信访矛盾纠纷 #{i + 1}", opened, opened.AddDays(60), CaseSource.Screening, null,
                i < 14 ? [(CaseStatus.Investigating, opened.AddDays(2), null), (CaseStatus.Closed, opened.AddDays(25), "已办结")]
                       : [(CaseStatus.Investigating, opened.AddDays(2), null), (CaseStatus.Transferred, opened.AddDays(20), "导入诉仲程序")]);
        }
        // 272 hotline tickets, all closed (some about the town area, held by the township itself).
        for (var i = 0; i < 272; i++)
        {
            var opened = D("2023-01-05").AddDays(i % 340);
            Add("hotline_ticket", "2023", $"12345 热线工单 #{i + 1}", opened, opened.AddDays(15), CaseSource.Hotline, null,
                [(CaseStatus.Closed, opened.AddDays(3), "办结")], unit: i % 17 == 0 ? data.Township.TownshipId : null);
        }
        // 11 administrative penalty cases, closed (all within 2023: the report, of December 2023, counts them closed).
        for (var i = 0; i < 11; i++)
        {
            var opened = D("2023-03-15").AddDays(i * 20);
            Add("administrative_penalty", "2023", $"行政处罚案件 #{i + 1}", opened, opened.AddDays(90), CaseSource.Inspection, null,
                [(CaseStatus.Investigating, opened.AddDays(5), null), (CaseStatus.Closed, opened.AddDays(45), "处罚决定执行完毕")]);
        }
        return cases;
    }
}
