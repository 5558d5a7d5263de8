using System.Runtime.CompilerServices;
using System.Text.Json;
using Dongming.Domain;
using Google.Protobuf;

namespace Dongming.Grains.Checkpoints;

/// <summary>
/// An org unit's part of its township's totals as stored in the checkpoint (format 5: the protobuf message
/// <see cref="TownshipPart"/> of protos/dongming/storage/v1/township_part.proto). The figures, nearly all of a
/// part, are binary fields parsed without text; cases, targets and approvals stay JSON of the domain records.
/// Encoding then decoding gives back an equal part (the exact decimal, flags, instant with its offset and source
/// periods of every figure); an empty source-period list comes back as none, which every reader treats alike.
/// </summary>
public static class TownshipPartCodec
{
    /// <summary>The cases, targets and approvals of a part, the JSON half of <see cref="TownshipPart.OthersJson"/>.</summary>
    private sealed class Others
    {
        public Dictionary<string, CaseTally>? Cases { get; set; }
        public Dictionary<string, Target>? Targets { get; set; }
        public Dictionary<string, ApprovalState>? Approvals { get; set; }
    }

    public static byte[] Encode(OrgUnitPart part, JsonSerializerOptions json)
    {
        var message = new TownshipPart { Level = (int)part.Level, Version = part.Version };
        Span<int> bits = stackalloc int[4];
        foreach (var group in part.Figures.Select(f => (Key: FigureKey.Split(f.Key), f.Value)).GroupBy(f => f.Key.Period, StringComparer.Ordinal))
        {
            var period = new PeriodFigures { Period = group.Key };
            foreach (var ((_, indicator), value) in group)
            {
                decimal.GetBits(value.Value, bits);
                var figure = new Figure
                {
                    Indicator = indicator,
                    Lo = (uint)bits[0],
                    Mid = (uint)bits[1],
                    Hi = (uint)bits[2],
                    SignAndScale = (uint)bits[3],
                    Flags = (uint)value.Flags,
                    SinceUtcTicks = value.Since.UtcTicks,
                    SinceOffsetMinutes = (int)value.Since.Offset.TotalMinutes,
                };
                if (value.From is { } from) figure.From.AddRange(from);
                period.Figures.Add(figure);
            }
            message.Periods.Add(period);
        }
        if (part.Cases.Count > 0 || part.Targets.Count > 0 || part.Approvals.Count > 0)
        {
            message.OthersJson = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(new Others
            {
                Cases = part.Cases.Count > 0 ? part.Cases : null,
                Targets = part.Targets.Count > 0 ? part.Targets : null,
                Approvals = part.Approvals.Count > 0 ? part.Approvals : null,
            }, json));
        }
        return message.ToByteArray();
    }

    /// <summary>
    /// The part stored in <paramref name="payload"/>; throws <see cref="InvalidProtocolBufferException"/>,
    /// <see cref="JsonException"/> or <see cref="ArgumentException"/> for one that cannot be read (a damaged row, or
    /// a value no decimal or instant can hold). Source-period lists are shared through <paramref name="sources"/>:
    /// thousands of villages rolling up the same months keep one list.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every figure of a township's cold start: optimized at once, not first by the quick tier
    public static OrgUnitPart Decode(ReadOnlySpan<byte> payload, JsonSerializerOptions json, SourcePeriods sources)
    {
        var message = TownshipPart.Parser.ParseFrom(payload);
        if (!Enum.IsDefined((OrgUnitLevel)message.Level)) throw new ArgumentException($"org unit level {message.Level} is not known");
        var part = new OrgUnitPart { Level = (OrgUnitLevel)message.Level, Version = message.Version };
        var count = message.Periods.Sum(p => p.Figures.Count);
        part.Figures.EnsureCapacity(count);
        Span<int> bits = stackalloc int[4];
        foreach (var period in message.Periods)
        {
            foreach (var f in period.Figures)
            {
                (bits[0], bits[1], bits[2], bits[3]) = ((int)f.Lo, (int)f.Mid, (int)f.Hi, (int)f.SignAndScale);
                var value = new decimal(bits); // ArgumentException for a bad sign-and-scale word
                var since = new DateTimeOffset(f.SinceUtcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(f.SinceOffsetMinutes));
                part.Figures.Set(FigureKey.Of(period.Period, f.Indicator), new Contributed(value, (FigureFlags)f.Flags, since, f.From.Count == 0 ? null : sources.Of(f.From)));
            }
        }
        if (!message.OthersJson.IsEmpty)
        {
            var others = JsonSerializer.Deserialize<Others>(message.OthersJson.Span, json) ?? throw new JsonException("the part's cases, targets and approvals are null");
            if (others.Cases is not null) part.Cases = new(others.Cases, StringComparer.Ordinal);
            if (others.Targets is not null) part.Targets = new(others.Targets, StringComparer.Ordinal);
            if (others.Approvals is not null) part.Approvals = new(others.Approvals, StringComparer.Ordinal);
        }
        return part;
    }
}
