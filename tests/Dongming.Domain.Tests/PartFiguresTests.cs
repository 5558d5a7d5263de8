using System.Text.Json;

namespace Dongming.Domain.Tests;

/// <summary>A part's figures, kept compactly, read back as the records they were set from, in key order.</summary>
public class PartFiguresTests
{
    private static readonly DateTimeOffset Beijing = new(2023, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(8));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Set_InAnyOrder_ReadsBackEachFigureExactly_AndEnumeratesInKeyOrder()
    {
        var figures = new PartFigures();
        var keys = Enumerable.Range(0, 40).Select(i => FigureKey.Of($"2031-{i % 12 + 1:D2}", $"count_{i:D2}")).ToList();
        foreach (var (key, i) in keys.Select((k, i) => (k, i)).Reverse())
            figures.Set(key, new Contributed(i * 1.25m - 7, (FigureFlags)(i % 16), Beijing.AddTicks(i), i % 3 == 0 ? ["2031-12"] : null));

        Assert.Equal(40, figures.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), figures.Keys);
        Assert.Equal(keys.Order(StringComparer.Ordinal), figures.Select(f => f.Key));
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            Assert.True(figures.TryGetValue(key, out var f));
            Assert.Equal((i * 1.25m - 7, (FigureFlags)(i % 16), Beijing.AddTicks(i), TimeSpan.FromHours(8)), (f.Value, f.Flags, f.Since, f.Since.Offset));
            Assert.Equal(i % 3 == 0 ? ["2031-12"] : null, f.From);
        }
    }

    [Fact]
    public void Set_OfAKeyHeld_ReplacesIt_AndRemove_TakesItOut()
    {
        var figures = new PartFigures();
        figures.Set("2031|a", new Contributed(1, FigureFlags.None, Beijing));
        figures.Set("2031|b", new Contributed(2, FigureFlags.None, Beijing));
        figures.Set("2031|c", new Contributed(3, FigureFlags.None, Beijing));

        figures.Set("2031|b", new Contributed(20.50m, FigureFlags.AtLeast, Beijing.ToOffset(TimeSpan.FromMinutes(-570))));

        Assert.Equal(3, figures.Count);
        Assert.Equal("20.50", figures["2031|b"].Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromMinutes(-570), figures["2031|b"].Since.Offset);
        Assert.True(figures.Remove("2031|a"));
        Assert.False(figures.Remove("2031|a"));
        Assert.False(figures.ContainsKey("2031|a"));
        Assert.Equal(["2031|b", "2031|c"], figures.Keys);
        Assert.Throws<KeyNotFoundException>(() => figures["2031|a"]);
        Assert.True(figures.Remove("2031|c"));
        Assert.True(figures.Remove("2031|b"));
        Assert.Empty(figures);
    }

    [Fact]
    public void Json_IsTheObjectOfFiguresByKey_AndReadsBackEqual()
    {
        var part = new OrgUnitPart { Level = OrgUnitLevel.Village, Version = 7 };
        part.Figures.Set("2031-12|a", new Contributed(1.5m, FigureFlags.RolledUp, Beijing, ["2031-11", "2031-12"]));
        part.Figures.Set("2031-01|a", new Contributed(-2, FigureFlags.None, Beijing));

        var json = JsonSerializer.Serialize(part, Json);
        var read = JsonSerializer.Deserialize<OrgUnitPart>(json, Json)!;

        Assert.Contains("\"figures\":{\"2031-01|a\":{\"value\":-2,", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(read, Json));
        Assert.Null(JsonSerializer.Deserialize<OrgUnitPart>("{\"figures\": null}", Json)!.Figures);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<OrgUnitPart>("{\"figures\": {\"2031|a\": null}}", Json));
    }
}
