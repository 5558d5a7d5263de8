using System.Diagnostics;
using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Dongming.Domain;
using Dongming.Exchange;

// dotnet run -c Release --project bench/Dongming.Exchange.Bench -- generate DIR [ROWS]
// dotnet run -c Release --project bench/Dongming.Exchange.Bench -- parse FILE
// Generate writes ledger-long.csv and ledger-long.xlsx (ROWS rows, default 100,000, long layout, Chinese names);
// parse reads one with SheetImport.Values against the 2023 catalog and roster and prints time and memory.
// dotnet run -c Release --project bench/Dongming.Exchange.Bench -- import FILE [--target URL] [--token T] [--server-pid PID] [--dry-run]
// Import sends one through ExchangeService.ImportValues of a running server (township dongming) and prints the time of
// the call and, with --server-pid, the server's resident memory before and its peak (VmHWM) after.
var data = Path.Combine(AppContext.BaseDirectory, "data");
var catalogRead = SheetImport.Catalog(new SheetFile(File.ReadAllBytes(Path.Combine(data, "indicators.tsv")), "indicators.tsv"));
var rosterRead = SheetImport.Roster(new SheetFile(File.ReadAllBytes(Path.Combine(data, "villages.tsv")), "villages.tsv"), new RosterContext("dongming"));
var catalog = new IndicatorCatalog(catalogRead.Indicators.Select(i => i.Value));
var township = new TownshipInfo("dongming", "东明镇", "150525105000", "stats-division");
var villages = rosterRead.Villages.Select(v => v.Value).ToList();

switch (args.FirstOrDefault())
{
    case "generate":
        Generate(args.Length > 1 ? args[1] : ".", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000);
        break;
    case "parse" when args.Length > 1:
        Parse(args[1]);
        break;
    case "import" when args.Length > 1:
        return await ImportAsync(args[1], args[2..]);
    default:
        Console.Error.WriteLine("usage: generate DIR [ROWS] | parse FILE | import FILE [--target URL] [--token T] [--server-pid PID] [--dry-run]");
        return 2;
}
return 0;

// Rows: every village × every entered village indicator × months from 2020-01 on, so no (village, period, indicator) repeats.
IEnumerable<string[]> Rows(int count)
{
    var indicators = catalog.All.Where(i => !catalog.IsComputed(i.Code) && i.EnteredAt == EnteredAt.Village).ToList();
    var n = 0;
    for (var month = 0; ; month++)
    {
        var period = $"{2020 + month / 12}-{month % 12 + 1:D2}";
        foreach (var v in villages)
        {
            foreach (var i in indicators)
            {
                if (n++ == count) yield break;
                var value = (n * 7919 % 100_000).ToString(CultureInfo.InvariantCulture);
                yield return [v.Name, period, i.NameZh, value, UnitText.ChineseName(i.Unit), n % 10 == 0 ? "村委会填报，已核对" : string.Empty];
            }
        }
    }
}

void Generate(string dir, int count)
{
    Directory.CreateDirectory(dir);
    string[] header = ["嘎查村", "期间", "指标", "数值", "单位", "备注"];
    var csv = Path.Combine(dir, "ledger-long.csv");
    using (var w = new StreamWriter(csv, false, new UTF8Encoding(true)))
    {
        w.Write(string.Join(',', header) + "\r\n");
        foreach (var row in Rows(count)) w.Write(string.Join(',', row.Select(c => c.Contains(',') || c.Contains('，') ? $"\"{c}\"" : c)) + "\r\n");
    }
    var xlsx = Path.Combine(dir, "ledger-long.xlsx");
    using (var document = SpreadsheetDocument.Create(xlsx, SpreadsheetDocumentType.Workbook))
    {
        var workbook = document.AddWorkbookPart();
        var part = workbook.AddNewPart<WorksheetPart>();
        using (var w = OpenXmlWriter.Create(part))
        {
            w.WriteStartElement(new Worksheet());
            w.WriteStartElement(new SheetData());
            var r = 0;
            foreach (var row in Rows(count).Prepend(header))
            {
                r++;
                w.WriteStartElement(new Row { RowIndex = (uint)r });
                for (var c = 0; c < row.Length; c++)
                {
                    if (row[c].Length == 0) continue;
                    var numeric = c == 3 && r > 1;
                    w.WriteElement(numeric
                        ? new Cell { CellReference = $"{(char)('A' + c)}{r}", CellValue = new CellValue(row[c]) }
                        : new Cell(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(row[c]))) { CellReference = $"{(char)('A' + c)}{r}", DataType = CellValues.InlineString });
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
        workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = 1, Name = "ledger" }));
    }
    foreach (var file in new[] { csv, xlsx }) Console.WriteLine($"{file}: {new FileInfo(file).Length / 1e6:F1} MB, {count:N0} rows");
}

void Parse(string file)
{
    var bytes = File.ReadAllBytes(file);
    var context = new ValuesContext(catalog, township, villages, null);
    // one warm-up on a tiny file, so the measurement is the reading, not the JIT
    SheetImport.Values(new SheetFile(Encoding.UTF8.GetBytes("嘎查村,期间,指标,数值\n大台,2023,羊存栏,1\n")), context);
    GC.Collect();
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    var read = SheetImport.Values(new SheetFile(bytes, Path.GetFileName(file)), context);
    clock.Stop();
    var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
    var process = Process.GetCurrentProcess();
    Console.WriteLine($"{Path.GetFileName(file)}: {bytes.Length / 1e6:F1} MB, {read.RowsRead:N0} rows, {read.Values.Count:N0} values, {read.ErrorCount} errors");
    Console.WriteLine($"  time {clock.Elapsed.TotalSeconds:F2} s ({read.RowsRead / clock.Elapsed.TotalSeconds:N0} rows/s)");
    Console.WriteLine($"  allocated {allocatedMb:F0} MB in total; managed heap after {GC.GetTotalMemory(false) / 1e6:F0} MB; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB");
    if (read.ErrorCount > 0) Console.WriteLine("  first error: " + read.Errors[0]);
}

async Task<int> ImportAsync(string file, string[] options)
{
    string? Option(string name) => Array.IndexOf(options, name) is var i and >= 0 && i + 1 < options.Length ? options[i + 1] : null;
    var target = Option("--target") ?? "http://localhost:5080";
    var token = Option("--token") ?? Environment.GetEnvironmentVariable("DONGMING_TOKEN");
    var pid = Option("--server-pid");
    var bytes = File.ReadAllBytes(file);
    using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(target, new Grpc.Net.Client.GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
    var client = new Dongming.Contracts.V1.ExchangeService.ExchangeServiceClient(channel);
    var headers = new Grpc.Core.Metadata();
    if (!string.IsNullOrEmpty(token)) headers.Add("authorization", "Bearer " + token);
    string Memory(string field) => pid is null ? "?" :
        File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))?[(field.Length + 1)..].Trim() ?? "?";
    var before = Memory("VmRSS");
    var clock = Stopwatch.StartNew();
    var answer = await client.ImportValuesAsync(new Dongming.Contracts.V1.ImportValuesRequest
    {
        TownshipId = "dongming",
        FileName = Path.GetFileName(file),
        Content = Google.Protobuf.ByteString.CopyFrom(bytes),
        DryRun = options.Contains("--dry-run"),
        RequestId = Guid.NewGuid().ToString("N"),
    }, headers, deadline: DateTime.UtcNow.AddMinutes(10));
    clock.Stop();
    Console.WriteLine($"{Path.GetFileName(file)}: {bytes.Length / 1e6:F1} MB, {answer.RowsRead:N0} rows; new {answer.ValuesNew:N0}, changed {answer.ValuesChanged:N0}, unchanged {answer.ValuesUnchanged:N0}; " +
        $"{answer.Errors.Count} errors; applied {answer.Applied}; import {answer.ImportId}");
    Console.WriteLine($"  ImportValues took {clock.Elapsed.TotalSeconds:F2} s ({answer.RowsRead / clock.Elapsed.TotalSeconds:N0} rows/s)");
    if (pid is not null) Console.WriteLine($"  server resident memory before {before}, peak (VmHWM) after {Memory("VmHWM")}, now {Memory("VmRSS")}");
    if (answer.Errors.Count > 0) Console.WriteLine($"  first error: row {answer.Errors[0].Row} {answer.Errors[0].Column} [{answer.Errors[0].Field}] {answer.Errors[0].Message}");
    return answer.Errors.Count > 0 ? 1 : 0;
}
