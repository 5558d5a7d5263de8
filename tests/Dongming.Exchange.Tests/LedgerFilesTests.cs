namespace Dongming.Exchange.Tests;

public class LedgerFilesTests
{
    [Fact]
    public void CommittedLedgers_AreTheGeneratedOnes()
    {
        var differ = SheetDump.CompareOrWrite(LedgerFiles.Build(), "tests/Dongming.Exchange.Tests/ledgers");
        Assert.True(differ.Count == 0, $"ledgers/ differ from LedgerFiles.Build(): {string.Join(", ", differ)} (run the tests with DONGMING_WRITE_FILES=1 and commit the files)");
    }
}
