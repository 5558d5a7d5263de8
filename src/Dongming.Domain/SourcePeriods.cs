namespace Dongming.Domain;

/// <summary>
/// One shared copy of each list of source periods (<see cref="Contributed.From"/>): a township holds every village's
/// rolled-up figures, and thousands of villages rolling up the same months name the same periods. Safe for
/// concurrent use (a township's checkpoint parts are decoded on all cores). Lists are never dropped; there are as
/// many as distinct roll-ups (a few per period), not as figures.
/// </summary>
public sealed class SourcePeriods
{
    private sealed class SequenceComparer : IEqualityComparer<IReadOnlyList<string>>
    {
        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null || x.Count != y.Count) return false;
            for (var i = 0; i < x.Count; i++)
            {
                if (!string.Equals(x[i], y[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public int GetHashCode(IReadOnlyList<string> list)
        {
            var hash = new HashCode();
            for (var i = 0; i < list.Count; i++) hash.Add(list[i], StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }

    /// <summary>A kept list, marked with the table that keeps it (so a kept list is recognised without a lookup).</summary>
    private sealed class Shared(string[] periods, SourcePeriods owner) : System.Collections.ObjectModel.ReadOnlyCollection<string>(periods)
    {
        public SourcePeriods Owner { get; } = owner;
    }

    private readonly HashSet<IReadOnlyList<string>> _lists = new(new SequenceComparer());

    /// <summary>The shared list equal to <paramref name="periods"/> (a copy of it is kept the first time).</summary>
    public IReadOnlyList<string> Of(IReadOnlyList<string> periods)
    {
        if (periods is Shared s && s.Owner == this) return periods;
        lock (_lists)
        {
            if (_lists.TryGetValue(periods, out var shared)) return shared;
            var copy = new Shared([.. periods], this);
            _lists.Add(copy);
            return copy;
        }
    }

    /// <summary>How many distinct lists are kept.</summary>
    public int Count
    {
        get
        {
            lock (_lists) return _lists.Count;
        }
    }
}
