namespace Dongming.Reports.Tests;

public sealed class BatchLabelsTests
{
    [Theory]
    [InlineData("2022-1,2022-2,2023-1,2023-2", "2022年一期、二期和2023年一期、二期")]
    [InlineData("2023-1,2022-2", "2022年二期、2023年一期")]
    [InlineData("2023-3", "2023年三期")]
    [InlineData("2023", "2023年")]
    [InlineData("2023-12,2023-2", "2023年二期、十二期")]
    [InlineData("", "")]
    public void Label_NamesBatchesAsTheReportDoes(string batches, string expected) =>
        Assert.Equal(expected, BatchLabels.Label(batches.Split(',', StringSplitOptions.RemoveEmptyEntries)));

    [Theory]
    [InlineData(1, "一")]
    [InlineData(10, "十")]
    [InlineData(12, "十二")]
    [InlineData(20, "二十")]
    [InlineData(35, "三十五")]
    public void Numeral_IsChinese(int n, string expected) => Assert.Equal(expected, BatchLabels.Numeral(n));
}
