using System.Text;
using Dongming.Contracts.V1;
using Google.Protobuf;

namespace Dongming.Server.Tests.Exchange;

/// <summary>ImportCases and ExportCases through the real gRPC surface.</summary>
public sealed class CaseSheetTests(DemoServerFixture fixture)
{
    private ExchangeService.ExchangeServiceClient Exchange => new(fixture.Server.Channel);
    private CaseService.CaseServiceClient Cases => new(fixture.Server.Channel);

    [Fact]
    public async Task ImportCases_DryRunThenRealRun_OpensAndWalksEachCase_AndTheExportedListImportsAsANoOp()
    {
        var batch = FreshBatch();
        var csv = "案件类型,批次,标题,村编号,发现日期,整改期限,状态,整改完成日期,销号日期,面积（亩）\r\n" +
            $"forest_violation_patch,{batch},图斑 A-1,datai,2026-01-05,2026-06-30,已销号,2026-02-01,2026-02-10,3.5\r\n" +
            $"forest_violation_patch,{batch},图斑 A-2,xiaotai,2026-01-05,2026-06-30,核查中,,,1.25\r\n";
        var request = new ImportCasesRequest { TownshipId = "dongming", FileName = "patches.csv", Content = ByteString.CopyFromUtf8(csv), DryRun = true };
        var dry = await Exchange.ImportCasesAsync(request);
        Assert.Empty(dry.Errors);
        Assert.Equal((2, 2, false), (dry.RowsRead, dry.Created, dry.Applied));
        Assert.Empty((await Cases.ListCasesAsync(new ListCasesRequest { TownshipId = "dongming", Batch = batch })).Cases);

        request.DryRun = false;
        var real = await Exchange.ImportCasesAsync(request);
        Assert.True(real.Applied);
        Assert.Equal(dry.Changes, real.Changes);
        var listed = (await Cases.ListCasesAsync(new ListCasesRequest { TownshipId = "dongming", Batch = batch })).Cases;
        Assert.Equal(2, listed.Count);
        Assert.Contains(listed, c => c.VillageId == "datai" && c.Status == CaseStatus.Closed);
        Assert.Equal(real.ImportId, (await Exchange.ImportCasesAsync(request)).ImportId);
        Assert.Equal(2, (await Cases.ListCasesAsync(new ListCasesRequest { TownshipId = "dongming", Batch = batch })).Cases.Count); // the same file again opens nothing

        var export = await Exchange.ExportCasesAsync(new ExportCasesRequest { Filter = new ListCasesRequest { TownshipId = "dongming", Batch = batch }, Format = FileFormat.Csv });
        var text = Encoding.UTF8.GetString(export.Content.Span);
        Assert.Contains("图斑 A-1", text);
        Assert.Contains(listed[0].CaseId, text);
        var reimport = await Exchange.ImportCasesAsync(new ImportCasesRequest { TownshipId = "dongming", FileName = export.FileName, Content = export.Content, DryRun = true });
        Assert.Empty(reimport.Errors);
        Assert.Equal((0, 0, 2), (reimport.Created, reimport.Changed, reimport.Unchanged));
    }

    [Fact]
    public async Task ImportCases_BadRows_OpenNothing_AndListEveryError()
    {
        var batch = FreshBatch();
        var csv = "案件类型,批次,标题,村编号,整改期限,状态\r\n" +
            $"forest_violation_patch,{batch},好的,datai,2099-06-30,核查中\r\n" +
            $"no_such_type,{batch},坏的一,datai,2099-06-30,核查中\r\n" +
            $"forest_violation_patch,{batch},坏的二,nowhere,2099-06-30,核查中\r\n" +
            $"forest_violation_patch,{batch},坏的三,datai,not-a-date,核查中\r\n";
        var answer = await Exchange.ImportCasesAsync(new ImportCasesRequest { TownshipId = "dongming", FileName = "bad.csv", Content = ByteString.CopyFromUtf8(csv) });
        Assert.False(answer.Applied);
        Assert.True(answer.Errors.Select(e => e.Row).Distinct().Order().SequenceEqual([3, 4, 5]), string.Join("; ", answer.Errors.Select(e => $"{e.Row}{e.Column} {e.Field}: {e.Message}")));
        Assert.Empty((await Cases.ListCasesAsync(new ListCasesRequest { TownshipId = "dongming", Batch = batch })).Cases);
    }

    private static int _batch;

    /// <summary>A batch no other test uses (YYYY-N).</summary>
    private static string FreshBatch() => $"{3000 + Interlocked.Increment(ref _batch)}-1";
}
