namespace Dongming.Domain;

/// <summary>The township's totals as its banner keeps them (<see cref="BannerAggregate"/>).</summary>
public sealed partial class TownshipAggregate
{
    /// <summary>The township's total of one "period|indicator" as a banner part, or null when it has none.</summary>
    public BannerFigure? BannerFigureOf(string key)
    {
        var (period, indicator) = FigureKey.Split(key);
        return _totals.TryGetValue(period, out var cells) && cells.TryGetValue(indicator, out var cell) ? ToBanner(cell) : null;
    }

    /// <summary>Every total of the township as a banner part.</summary>
    public Dictionary<string, BannerFigure> BannerFigures()
    {
        var figures = new Dictionary<string, BannerFigure>(StringComparer.Ordinal);
        foreach (var (period, cells) in _totals)
        {
            foreach (var (indicator, cell) in cells) figures[FigureKey.Of(period, indicator)] = ToBanner(cell);
        }
        return figures;
    }

    private static BannerFigure ToBanner(Cell cell) => new(cell.Sum, cell.Villages, cell.AtLeast > 0, cell.Partial, cell.RolledUp);
}
