using Dongming.Contracts.V1;
using Dongming.Domain;

namespace Dongming.Server.Services;

/// <summary>Translation of banners and their totals to the wire.</summary>
public static class BannerMappers
{
    public static Banner ToWire(BannerInfo b)
    {
        var wire = new Banner { BannerId = b.BannerId, Name = b.Name };
        wire.TownshipIds.AddRange(b.TownshipIds);
        return wire;
    }

    public static GetBannerTotalsResponse ToWire(BannerTotalsAnswer answer)
    {
        var response = new GetBannerTotalsResponse
        {
            BannerId = answer.BannerId,
            Period = answer.Period.ToString(),
            AsOf = Mappers.Ts(answer.AsOf),
            Version = answer.Version,
            TownshipCount = answer.TownshipCount,
        };
        response.Totals.AddRange(answer.Totals.Select(Mappers.ToWire));
        return response;
    }

    public static RepairBannerTotalsResponse ToWire(BannerRepair repair)
    {
        var response = new RepairBannerTotalsResponse { Version = repair.Version };
        response.CorrectedTownshipIds.AddRange(repair.CorrectedTownships);
        response.RecountedTotals.AddRange(repair.RecountedTotals);
        return response;
    }
}
