namespace Dongming.Exchange.Tests;

public class SampleFilesTests
{
    [Fact]
    public void CommittedSamples_AreTheGeneratedOnes()
    {
        var differ = SheetDump.CompareOrWrite(SampleFiles.Build(), SampleFiles.Folder);
        Assert.True(differ.Count == 0, $"{SampleFiles.Folder} differs from SampleFiles.Build(): {string.Join(", ", differ)} (run the tests with DONGMING_WRITE_FILES=1 and commit the files)");
    }
}
