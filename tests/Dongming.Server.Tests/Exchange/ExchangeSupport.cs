using System.Globalization;
using System.Text;
using Dongming.Contracts.V1;
using Google.Protobuf;

namespace Dongming.Server.Tests.Exchange;

/// <summary>Files and calls of the exchange tests.</summary>
public static class Sheets
{
    /// <summary>A long-layout CSV (org unit, period, indicator, value, comment), UTF-8; one line per row.</summary>
    public static byte[] LongCsv(params (string OrgUnit, string Period, string Indicator, string Value)[] rows)
    {
        var text = new StringBuilder("org_unit,period,indicator,value,comment\r\n");
        foreach (var (org, period, indicator, value) in rows) text.Append(CultureInfo.InvariantCulture, $"{org},{period},{indicator},{value},\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static ImportValuesRequest Values(byte[] content, string? period = null, bool dryRun = false, string fileName = "ledger.csv", string township = "dongming") => new()
    {
        TownshipId = township,
        Period = period ?? string.Empty,
        FileName = fileName,
        Content = ByteString.CopyFrom(content),
        DryRun = dryRun,
        RequestId = Rpc.Id(),
    };

    public static decimal Dec(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The changes of an answer as comparable lines.</summary>
    public static List<string> Lines(ImportValuesResponse r) => [.. r.Changes.Select(c => $"{c.OrgUnitId} {c.Period} {c.Indicator} {c.OldValue}->{c.NewValue}{(c.AtLeast ? "+" : "")}")];
}
