namespace Dongming.Domain.Tests;

public class TextTests
{
    [Theory]
    [InlineData("datai")]
    [InlineData("demo-15")]
    [InlineData("dongming")]
    [InlineData("ab")]
    [InlineData("a1")]
    [InlineData("x-")]
    public void IsOrgUnitId_WellFormed_IsAccepted(string id) => Assert.True(Text.IsOrgUnitId(id));

    [Theory]
    [InlineData("123")]
    [InlineData("15")]
    [InlineData("Datai")]
    [InlineData("DATAI")]
    [InlineData("a")]
    [InlineData("-x")]
    [InlineData("1x")]
    [InlineData("x_y")]
    [InlineData("x y")]
    [InlineData("x.y")]
    [InlineData("大台")]
    [InlineData("datai\n")]
    [InlineData("datai ")]
    [InlineData("")]
    public void IsOrgUnitId_Malformed_IsRejected(string id) => Assert.False(Text.IsOrgUnitId(id));

    [Fact]
    public void IsOrgUnitId_Null_IsRejected() => Assert.False(Text.IsOrgUnitId(null));

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(200, false)]
    public void IsOrgUnitId_Length_AtMost64(int length, bool expected) =>
        Assert.Equal(expected, Text.IsOrgUnitId("v" + new string('a', length - 1)));

    [Theory]
    [InlineData("livestock_total", true)]
    [InlineData("crop_featured_area", true)]
    [InlineData("a1_2", true)]
    [InlineData("ab", true)]
    [InlineData("a", false)]
    [InlineData("Livestock", false)]
    [InlineData("1abc", false)]
    [InlineData("_abc", false)]
    [InlineData("live-stock", false)]
    [InlineData("live stock", false)]
    [InlineData("livestock\n", false)]
    [InlineData("", false)]
    public void IsCode_SnakeCaseOnly(string code, bool expected) => Assert.Equal(expected, Text.IsCode(code));

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void IsCode_Length_AtMost64(int length, bool expected) =>
        Assert.Equal(expected, Text.IsCode("c" + new string('_', length - 1)));

    [Theory]
    [InlineData("", "is required")]
    [InlineData("Bad", "must be")]
    public void CheckOrgUnitId_Violation_NamesField(string id, string descriptionStart)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "village_id", id);
        var item = Assert.Single(v.Items);
        Assert.Equal("village_id", item.Field);
        Assert.StartsWith(descriptionStart, item.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("大台嘎查 西瓜2万亩")]
    [InlineData("\"One matter, one discussion\"")]
    [InlineData("𠀀")]
    [InlineData("a\U0001F600b")]
    [InlineData("")]
    public void IsCleanText_OrdinaryText_IsAccepted(string text) => Assert.True(Text.IsCleanText(text, allowNewLines: false));

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u0007b")]
    [InlineData("a\u001Bb")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u2028b")]
    [InlineData("a\u2029b")]
    [InlineData("\uFEFFa")]
    [InlineData("a\uFFFD")]
    public void IsCleanText_ControlOrSeparatorCharacters_AreRejected(string text)
    {
        Assert.False(Text.IsCleanText(text, allowNewLines: false));
        Assert.False(Text.IsCleanText(text, allowNewLines: true));
    }

    [Theory]
    [InlineData("line1\nline2")]
    [InlineData("line1\r\nline2")]
    [InlineData("a\tb")]
    public void IsCleanText_NewLinesAndTabs_OnlyWhereAllowed(string text)
    {
        Assert.True(Text.IsCleanText(text, allowNewLines: true));
        Assert.False(Text.IsCleanText(text, allowNewLines: false));
    }

    public static TheoryData<string> LoneSurrogates => new()
    {
        "a\uD840",          // high at the end
        "a\uD840b",         // high followed by a non-surrogate
        "\uD840\uD840\uDC00", // high followed by a high (the second is paired, the first is not)
        "a\uDC00",          // lone low
        "\uDC00\uD840",     // low then high: both unpaired
        "𠀀\uDC00",          // a valid pair followed by a lone low
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void IsCleanText_LoneSurrogates_AreRejected(string text) => Assert.False(Text.IsCleanText(text, allowNewLines: true));

    [Fact]
    public void IsCleanText_SurrogatePairCharacter_IsOneValidPair()
    {
        const string text = "𠀀";
        Assert.Equal(2, text.Length);
        Assert.True(char.IsSurrogatePair(text[0], text[1]));
        Assert.True(Text.IsCleanText(text, allowNewLines: false));
    }

    [Theory]
    [InlineData(null, "request_id")]
    [InlineData("", "request_id")]
    [InlineData("   ", "request_id")]
    [InlineData("req\u0001", "request_id")]
    [InlineData("req\n1", "request_id")]
    public void CheckRequestId_MissingOrDirty_IsRejected(string? id, string field)
    {
        var v = new Violations();
        Text.CheckRequestId(v, "request_id", id);
        Assert.Equal(field, Assert.Single(v.Items).Field);
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void CheckRequestId_Length_AtMost128(int length, bool ok)
    {
        var v = new Violations();
        Text.CheckRequestId(v, "request_id", new string('r', length));
        Assert.Equal(!ok, v.Any);
    }

    [Theory]
    [InlineData(null, false, false)]
    [InlineData("", false, false)]
    [InlineData(null, true, true)]
    [InlineData("", true, true)]
    [InlineData("  ", true, true)]
    [InlineData("  ", false, false)]
    [InlineData("ok", true, false)]
    public void CheckText_Required(string? value, bool required, bool violated)
    {
        var v = new Violations();
        Text.CheckText(v, "title", value, 10, required);
        Assert.Equal(violated, v.Any);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(11, true)]
    public void CheckText_Length(int length, bool violated)
    {
        var v = new Violations();
        Text.CheckText(v, "title", new string('字', length), 10);
        Assert.Equal(violated, v.Any);
    }
}
