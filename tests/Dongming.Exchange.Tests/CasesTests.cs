using Dongming.Domain;

namespace Dongming.Exchange.Tests;

public class CasesTests
{
    [Fact]
    public void ForestPatchList_AsHandedDown_ReadsEveryPatch()
    {
        var read = SheetImport.Cases(TestData.Ledger("cases-forest-2023-3.xlsx"), TestData.Cases("forest_violation_patch"));

        Assert.True(read.Ok, TestData.Dump(read));
        Assert.Equal(3, read.RowsRead);
        Assert.Equal(["datai", "xiaotai", "aduwusu"], read.Cases.Select(c => c.OrgUnitId));
        Assert.All(read.Cases, c => Assert.Equal(("forest_violation_patch", "2023-3", new DateOnly(2023, 11, 10), new DateOnly(2024, 5, 31)), (c.CaseType, c.Batch, c.OpenedOn!.Value, c.Deadline)));
        Assert.Equal([CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Rectifying], read.Cases.Select(c => c.Status));
        Assert.Equal([7.5m, 3m, 18.75m], read.Cases.Select(c => c.AreaMu!.Value)); // 公顷 × 15, exactly
        Assert.Equal(new GeoPoint(120.6612m, 42.8561m), read.Cases[0].Location);
        Assert.Equal("150525-2023-3-001", read.Cases[0].PatchNumber);
        Assert.Equal("林业违法图斑 2023-3 150525-2023-3-001", read.Cases[0].Title);
        Assert.Equal("已补植", read.Cases[1].Note);
    }

    [Fact]
    public void BadCaseList_ListsEveryErrorAtItsCell()
    {
        var read = SheetImport.Cases(TestData.Ledger("bad-cases.csv"), TestData.Cases("forest_violation_patch"));

        Assert.Equal(
        [
            "B3 village",        // 不存在村
            "E4 deadline",       // 2024年13月1日
            "F5 status",         // 已完工 is no status word
            "A6 patch_number",   // 001 twice in batch 2023-3
            "E7 deadline",       // before the opening date
            "D8 opened_on",      // in the future
            "G9 area_mu",        // negative
            "H10 longitude",     // 200
            "C11 batch",         // 2023期
            "J12 source",        // 网上
        ], TestData.Cells(read));
        Assert.Equal(["001"], read.Cases.Select(c => c.PatchNumber)); // row 2 only; nothing is applied while Ok is false
        Assert.Contains("已整改 = CASE_STATUS_RECTIFIED", read.Errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATypeColumnOrDefault_TheHeaderSaysSo()
    {
        var read = SheetImport.Cases(TestData.Ledger("bad-cases.csv"), TestData.Cases());
        Assert.Equal("row 1 header", TestData.Cells(read)[0]);
        Assert.Contains("case_type", read.Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("已整改", CaseStatus.Rectified)]
    [InlineData("整改完成", CaseStatus.Rectified)]
    [InlineData("整改中", CaseStatus.Rectifying)]
    [InlineData("正在查处整改", CaseStatus.Rectifying)]
    [InlineData("查处", CaseStatus.Investigating)]
    [InlineData("销号", CaseStatus.Closed)]
    [InlineData("整改销号", CaseStatus.Closed)]
    [InlineData("办结", CaseStatus.Closed)]
    [InlineData("封控管理", CaseStatus.Controlled)]
    [InlineData("导入诉仲程序", CaseStatus.Transferred)]
    [InlineData("已交办", CaseStatus.Reported)]
    [InlineData("CASE_STATUS_REOPENED", CaseStatus.Reopened)]
    [InlineData("rectified", CaseStatus.Rectified)]
    public void StatusWords_MapToTheLifecycle(string word, CaseStatus status)
    {
        Assert.True(CaseWords.TryParseStatus(word, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Fact]
    public void EveryStatus_ExportsAWordThatReadsBack()
    {
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            Assert.True(CaseWords.TryParseStatus(CaseWords.StatusWord(status), out var back));
            Assert.Equal(status, back);
        }
    }

    [Theory]
    [InlineData(CaseStatus.Rectified, "forest_violation_patch", false, "Rectifying,Rectified")]
    [InlineData(CaseStatus.Closed, "forest_violation_patch", false, "Investigating,Closed")]
    [InlineData(CaseStatus.Closed, "forest_violation_patch", true, "Rectifying,Rectified,Closed")]
    [InlineData(CaseStatus.Closed, "hotline_ticket", false, "Closed")]
    [InlineData(CaseStatus.Reopened, "dispute", false, "Investigating,Closed,Reopened")]
    [InlineData(CaseStatus.Reported, "dispute", false, "")]
    public void Transitions_AreAShortestWayThroughTheLifecycle(CaseStatus status, string type, bool rectifiedOn, string expected)
    {
        var c = new ImportedCase
        {
            Row = 2,
            OrgUnitId = "datai",
            Level = OrgUnitLevel.Village,
            CaseType = type,
            Title = "t",
            Deadline = new DateOnly(2024, 1, 1),
            Status = status,
            RectifiedOn = rectifiedOn ? new DateOnly(2023, 6, 1) : null,
        };
        Assert.Equal(expected, string.Join(",", c.Transitions));
        var state = CaseStatus.Reported;
        foreach (var next in c.Transitions)
        {
            Assert.True(CaseLifecycle.CanMove(state, next, type));
            state = next;
        }
        Assert.Equal(status, state);
    }

    [Fact]
    public void DatesOfRectificationAndClosing_MustFitTheStatus()
    {
        var csv = "图斑编号,嘎查村,发现日期,整改期限,状态,整改完成日期,销号日期\n" +
            "1,大台,2023-03-01,2023-06-30,整改中,2023-05-01,\n" +
            "2,大台,2023-03-01,2023-06-30,已整改,2023-02-01,\n" +
            "3,大台,2023-03-01,2023-06-30,已整改,,2023-05-01\n" +
            "4,大台,2023-03-01,2023-06-30,已销号,2023-05-01,2023-04-01\n" +
            "5,大台,2023-03-01,2023-06-30,已销号,2023-05-01,2023-05-20\n";
        var read = SheetImport.Cases(TestData.Csv(csv), TestData.Cases("safety_hazard"));
        Assert.Equal(["F2 rectified_on", "F3 rectified_on", "G4 closed_on", "G5 closed_on"], TestData.Cells(read));
        var ok = Assert.Single(read.Cases);
        Assert.Equal(("5", new DateOnly(2023, 5, 1), new DateOnly(2023, 5, 20)), (ok.PatchNumber, ok.RectifiedOn!.Value, ok.ClosedOn!.Value));
    }

    [Fact]
    public void ToOpenCommand_IsAcceptedByTheDomain()
    {
        var read = SheetImport.Cases(TestData.Ledger("cases-forest-2023-3.xlsx"), TestData.Cases("forest_violation_patch"));
        foreach (var c in read.Cases)
        {
            var opened = CaseRules.ValidateOpen(c.ToOpenCommand("import-1-row-" + c.Row), new DateOnly(2023, 12, 31), Actor.System, DateTimeOffset.UnixEpoch);
            Assert.Equal((c.OrgUnitId, c.Title, c.AreaMu, c.Deadline), (opened.OrgUnitId, opened.Title, opened.AreaMu, opened.Deadline));
        }
    }
}
