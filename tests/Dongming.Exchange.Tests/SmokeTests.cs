namespace Dongming.Exchange.Tests;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Wide_Csv_Smoke()
    {
        var csv = "东明镇 2023年 台账\n嘎查村,牛存栏（头）,特色作物种植面积（万亩）,西瓜种植面积（万亩）,“两癌”筛查目标人群覆盖率（%）,备注\n大台,120,,0.31,,\n小台,30余,,1.5,,x\n镇本级,,,,96.94,\n";
        var read = SheetImport.Values(TestData.Csv(csv), TestData.Values());
        output.WriteLine(TestData.Dump(read));
        foreach (var v in read.Values) output.WriteLine(v.ToString());
        Assert.NotEmpty(read.Values);
    }
}
