using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dongming.Domain;

/// <summary>
/// The figures of one org unit's part of its township (<see cref="OrgUnitPart.Figures"/>), by
/// <see cref="FigureKey"/>, kept compactly: a township holds every village's figures of every period, and as a
/// dictionary of <see cref="Contributed"/> records a village's year (170 figures) took 16.5 KB; as a
/// <see cref="SortedList{TKey, TValue}"/> — two arrays sorted by key: the key, and the figure's value, flags, instant
/// and source periods in 40 bytes — it takes 8.2 KB. Reads give a <see cref="Contributed"/> made on the spot (equal to
/// the one stored); lookups are binary searches (ordinal), and enumeration is in key order. Not safe for concurrent
/// writes (a part belongs to one grain).
/// </summary>
[JsonConverter(typeof(PartFiguresConverter))]
public sealed class PartFigures : IReadOnlyDictionary<string, Contributed>
{
    /// <summary>A figure without its key: <see cref="Contributed"/> in 40 bytes and no object of its own.</summary>
    private readonly struct Figure(Contributed c)
    {
        public readonly decimal Value = c.Value;
        public readonly long SinceUtcTicks = c.Since.UtcTicks;
        public readonly IReadOnlyList<string>? From = c.From;
        public readonly short OffsetMinutes = (short)c.Since.Offset.TotalMinutes;
        public readonly FigureFlags Flags = c.Flags;

        public Contributed ToContributed()
        {
            var offset = TimeSpan.FromMinutes(OffsetMinutes);
            return new(Value, Flags, new DateTimeOffset(SinceUtcTicks + offset.Ticks, offset), From);
        }
    }

    /// <summary>Keys and figures in two arrays sorted by key (ordinal): no entry object or hash table per figure.</summary>
    private readonly SortedList<string, Figure> _figures = new(StringComparer.Ordinal);

    public int Count => _figures.Count;

    public Contributed this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no figure {key}");

    public IEnumerable<string> Keys => _figures.Keys;

    public IEnumerable<Contributed> Values => _figures.Values.Select(f => f.ToContributed());

    public bool ContainsKey(string key) => _figures.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Contributed value)
    {
        var found = _figures.TryGetValue(key, out var figure);
        value = found ? figure.ToContributed() : null;
        return found;
    }

    /// <summary>Sets the figure of <paramref name="key"/>, adding it in its place or replacing it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every figure of a township's cold start: optimized at once, not first by the quick tier
    public void Set(string key, Contributed value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _figures[key] = new Figure(value);
    }

    /// <summary>Removes the figure of <paramref name="key"/>; false when there is none.</summary>
    public bool Remove(string key) => _figures.Remove(key);

    /// <summary>Makes room for <paramref name="capacity"/> figures in all (a part loaded whole is sized once, exactly).</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _figures.Capacity) _figures.Capacity = capacity;
    }

    public IEnumerator<KeyValuePair<string, Contributed>> GetEnumerator()
    {
        foreach (var (key, figure) in _figures) yield return new(key, figure.ToContributed());
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Reads and writes <see cref="PartFigures"/> as the JSON object the former dictionary was (key: figure).</summary>
public sealed class PartFiguresConverter : JsonConverter<PartFigures>
{
    public override PartFigures Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var figures = JsonSerializer.Deserialize<Dictionary<string, Contributed>>(ref reader, options) ?? throw new JsonException("the figures are null");
        var part = new PartFigures();
        part.EnsureCapacity(figures.Count);
        foreach (var (key, value) in figures) part.Set(key, value ?? throw new JsonException($"the figure {key} is null"));
        return part;
    }

    public override void Write(Utf8JsonWriter writer, PartFigures value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), options);
}
