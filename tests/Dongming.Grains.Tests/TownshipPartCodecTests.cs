using System.Text;
using System.Text.Json;
using Dongming.Domain;
using Dongming.Grains.Checkpoints;
using Google.Protobuf;

namespace Dongming.Grains.Tests;

/// <summary>A township's checkpointed part (format 5) reads back as the part that was written.</summary>
public sealed class TownshipPartCodecTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly DateTimeOffset Beijing = new(2023, 12, 31, 23, 59, 59, TimeSpan.FromHours(8));

    private static OrgUnitPart Sample()
    {
        var part = new OrgUnitPart { Level = OrgUnitLevel.Village, Version = 4_000_000_123 };
        part.Figures.Set("2023-11|cattle", new Contributed(12_345.6789m, FigureFlags.None, Beijing.AddDays(-31).AddTicks(7)));
        part.Figures.Set("2023-12|cattle", new Contributed(-0.000_000_000_000_000_000_000_000_1m, FigureFlags.AtLeast, Beijing));
        part.Figures.Set("2023Q4|cattle", new Contributed(79_228_162_514_264_337_593_543_950_335m, FigureFlags.RolledUp | FigureFlags.AtLeast, Beijing, ["2023-11", "2023-12"]));
        part.Figures.Set("2023|herd", new Contributed(0.50m, FigureFlags.Computed | FigureFlags.Partial | FigureFlags.RolledUp, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(-570)), ["2023-12"]));
        part.Cases["case-1"] = new CaseTally("垃圾清理", "2023-批次1", CaseStatus.Rectified, new DateOnly(2023, 6, 30), true, new DateOnly(2023, 5, 1), true,
            [new CaseStep(new DateOnly(2023, 5, 1), CaseStatus.Reported, new DateOnly(2023, 6, 1), false, false), new CaseStep(new DateOnly(2023, 6, 20), CaseStatus.Rectified, new DateOnly(2023, 6, 30), true, true)]);
        part.Targets["2023|cattle"] = new Target("cattle", Period.Parse("2023"), 3100, "head", TargetDirection.AtLeast, "完成 3100 头", "clerk", "王会计", Beijing, "req-1", 3);
        part.Approvals[ApprovalState.KeyOf("monthly", "2023-12")] = new ApprovalState("monthly", "2023-12", ApprovalStatus.Approved, ["cattle"],
            [new ApprovalStep(ApprovalAction.Approve, ApprovalStatus.Submitted, ApprovalStatus.Approved, "chief", "李镇长", Beijing, null, "req-2")]);
        return part;
    }

    [Fact]
    public void Decode_OfAnEncodedPart_IsThatPart_ExactToTheLastDigitTickAndOffset()
    {
        var part = Sample();

        var decoded = TownshipPartCodec.Decode(TownshipPartCodec.Encode(part, Json), Json, new SourcePeriods());

        Assert.Equal(JsonSerializer.Serialize(part, Json), JsonSerializer.Serialize(decoded, Json));
        var q4 = decoded.Figures["2023Q4|cattle"];
        Assert.Equal(decimal.MaxValue, q4.Value);
        Assert.Equal(-0.000_000_000_000_000_000_000_000_1m, decoded.Figures["2023-12|cattle"].Value);
        Assert.Equal("0.50", decoded.Figures["2023|herd"].Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); // the scale too
        Assert.Equal(TimeSpan.FromMinutes(-570), decoded.Figures["2023|herd"].Since.Offset);
        Assert.Equal(Beijing.AddDays(-31).AddTicks(7), decoded.Figures["2023-11|cattle"].Since);
    }

    [Fact]
    public void Decode_OfAPartWithOnlyFigures_HasNoCasesTargetsOrApprovals_AndIsSmallerThanItsJson()
    {
        var part = Sample();
        part.Cases.Clear();
        part.Targets.Clear();
        part.Approvals.Clear();

        var encoded = TownshipPartCodec.Encode(part, Json);
        var decoded = TownshipPartCodec.Decode(encoded, Json, new SourcePeriods());

        Assert.Empty(decoded.Cases);
        Assert.Empty(decoded.Targets);
        Assert.Empty(decoded.Approvals);
        Assert.Equal(part.Figures.Keys.Order(StringComparer.Ordinal), decoded.Figures.Keys.Order(StringComparer.Ordinal));
        Assert.True(encoded.Length * 2 < JsonSerializer.SerializeToUtf8Bytes(part, Json).Length, $"{encoded.Length} bytes");
    }

    [Fact]
    public void Decode_OfManyParts_SharesOneListPerDistinctSourcePeriods()
    {
        var sources = new SourcePeriods();
        var encoded = TownshipPartCodec.Encode(Sample(), Json);

        var parts = Enumerable.Range(0, 3).Select(_ => TownshipPartCodec.Decode(encoded, Json, sources)).ToList();

        Assert.Equal(2, sources.Count);
        Assert.Same(parts[0].Figures["2023Q4|cattle"].From, parts[2].Figures["2023Q4|cattle"].From);
        Assert.Null(parts[1].Figures["2023-12|cattle"].From);
    }

    [Theory]
    [InlineData("{\"figures\": {\"no key\": {\"value\": 1}}")]
    [InlineData("\u0008\u0007\u001a\u0002")]
    public void Decode_OfBytesThatAreNoPart_Throws(string damaged)
    {
        Assert.ThrowsAny<Exception>(() => TownshipPartCodec.Decode(Encoding.UTF8.GetBytes(damaged), Json, new SourcePeriods()));
    }

    [Fact]
    public void Decode_OfAFigureWithAScaleNoDecimalHas_ThrowsArgumentException()
    {
        var message = new TownshipPart { Level = 0, Version = 1 };
        message.Periods.Add(new PeriodFigures { Period = "2023", Figures = { new Figure { Indicator = "cattle", Lo = 1, SignAndScale = 29u << 16 } } });

        Assert.ThrowsAny<ArgumentException>(() => TownshipPartCodec.Decode(message.ToByteArray(), Json, new SourcePeriods()));
    }

    [Fact]
    public void Decode_OfAnUnknownLevel_ThrowsArgumentException()
    {
        var message = new TownshipPart { Level = 7, Version = 1 };

        Assert.ThrowsAny<ArgumentException>(() => TownshipPartCodec.Decode(message.ToByteArray(), Json, new SourcePeriods()));
    }
}
