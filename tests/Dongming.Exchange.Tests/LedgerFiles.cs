using System.Text;
using static Dongming.Exchange.Tests.TestWorkbook;

namespace Dongming.Exchange.Tests;

/// <summary>
/// The test ledgers under ledgers/, made here once and committed (LedgerFilesTests checks that the committed
/// files are these). Each bad file holds one or more mistakes of every kind a clerk makes; the tests list the
/// errors each must give, cell by cell.
/// </summary>
public static class LedgerFiles
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    public static IReadOnlyDictionary<string, byte[]> Build() => new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["wide-2023.xlsx"] = WideXlsx(),
        ["long-2023.csv"] = Utf8.GetBytes(LongCsv),
        ["long-2023-en.tsv"] = Utf8.GetBytes(LongTsv),
        ["wide-bom.csv"] = [.. Encoding.UTF8.GetPreamble(), .. Utf8.GetBytes(WideCodesCsv)],
        ["wide-gbk.csv"] = Gb18030().GetBytes(WideChineseCsv),
        ["wide-utf16.txt"] = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(WideChineseCsv.Replace(',', '\t'))],
        ["bad-wide.csv"] = Utf8.GetBytes(BadWideCsv),
        ["bad-long.csv"] = Utf8.GetBytes(BadLongCsv),
        ["bad-formula-merged.xlsx"] = FormulaMergedXlsx(),
        ["cases-forest-2023-3.xlsx"] = CasesXlsx(),
        ["bad-cases.csv"] = Utf8.GetBytes(BadCasesCsv),
        ["bad-roster.csv"] = Utf8.GetBytes(BadRosterCsv),
        ["bad-catalog.csv"] = Utf8.GetBytes(BadCatalogCsv),
    };

    public static Encoding Gb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936);
    }

    /// <summary>A village ledger as clerks keep it: a merged title, a note row, Chinese names with units, 序号, names and an id, 镇本级, a footnote.</summary>
    private static byte[] WideXlsx() => new TestWorkbook().Sheet("2023年台账")
        .Row(1, "东明镇2023年主要指标台账")
        .Merge("A1:J1")
        .Row(2, "填报单位：东明镇人民政府")
        .Row(3, "序号", "嘎查村", "西瓜种植面积（万亩）", "辣椒种植面积（亩）", "基础母牛存栏（头）", "羊存栏（只）", "养老金发放（亿元）", "草原生态奖补资金（万元）", "“两癌”筛查目标人群覆盖率（%）", "备注")
        .Row(4, 1, "大台", 0.31m, 1200, 350, 800, 1.5218m, 12.5m, null, null)
        .Row(5, 2, "小台", 0.2m, null, "30余", 0, null, null, null, "数据待核实")
        .Row(6, 3, "taiji", 1.2m, 0, 1000, 2500, 0.37m, 3.14m, null, null)
        .Row(7, 4, "镇本级", null, null, null, null, null, null, 96.94m, null)
        .Row(9, "注：本表数据截至2023年12月31日。")
        .Bytes();

    private const string LongCsv =
        "嘎查村,期间,指标,数值,单位,备注\n" +
        "大台,2023,西瓜种植面积,0.31,万亩,\n" +
        "小台,2023年,辣椒种植面积,1500,亩,\n" +
        "英图,2023Q4,基础母牛存栏,120,头,季度末存栏\n" +
        "孟和浩来,2023年11月,输出劳动力,35,人,\n" +
        "镇本级,2023,道路清理行动,30余,次,\n" +
        "哈如拉,2023,务工增收,2.74亿以上,,\n" +
        "阿都勿苏嘎查,2023,养老金发放,1.5218,亿元,\n" +
        "datai,2023,livestock_sheep,800,,\n" +
        "大台,2023,特色作物种植面积,,万亩,未填报\n" +
        "\"台吉\",2023,\"“两癌”免费筛查人数\",\"1,234\",人,\"备注, 含逗号\"\n";

    private const string LongTsv =
        "org_unit\tperiod\tindicator\tvalue\tcomment\n" +
        "datai\t2023\tcrop_watermelon_area\t3100\t\n" +
        "dongming\t2023\tanimal_immunisation_coverage\t1\tall vaccinated\n" +
        "xiaotai\t2023-06\tlivestock_sheep\t0\tzero, not empty\n" +
        "xiaotai\t2023-06\tlivestock_breeding_cows\t\tnot reported\n";

    private const string WideCodesCsv =
        "village_id,period,crop_chili_area (万亩),livestock_sheep,pension_paid (万元)\n" +
        "datai,2023,0.35,120,1521.8\n" +
        "xiaotai,2023,,0,\n";

    private const string WideChineseCsv =
        "嘎查村,西瓜种植面积（亩）,羊存栏（只）,备注\n" +
        "大台,3100,800,大台村委会填报\n" +
        "阿都勿苏嘎查,1500,2400,\n" +
        "镇本级,,,镇区\n";

    /// <summary>Every kind of mistake of a wide sheet; LedgerTests lists the errors cell by cell.</summary>
    private const string BadWideCsv =
        "东明镇2023年台账（错误示例）,,,,,,,,,\n" +
        "嘎查村,期间,牛存栏（头）,基础母牛存栏（头）,西瓜种植面积（万元）,羊存栏（只）,养老金发放（万元）,消防演练（次）,未知指标（亩）,备注\n" +
        "大台,2023,,350.5,,-5,12.5,,,\n" +
        "大台村,2023,,100,,200,,,,\n" +
        "小台,2023,500,100,,无,,3,,\n" +
        "小台,2023,,120,,,,,,重复的行\n" +
        "台吉,2023年13月,,10,,,,,,\n" +
        "台吉,2023,,10,,20头,3亩,,,\n" +
        "镇本级,2023,,,,,,30,,\n";

    private const string BadLongCsv =
        "村,期间,指标,数值\n" +
        "大台,2023,西瓜种植面积,100\n" +
        "大台,2023,西瓜种植面积,200\n" +
        "不存在村,2023,羊存栏,5\n" +
        "小台,2023,不存在指标,5\n" +
        "小台,2023,羊存栏,1.5\n" +
        "小台,2023,基础母牛存栏,-3\n" +
        "小台,23年,育肥牛存栏,5\n" +
        "台吉,2023,牛存栏,5\n" +
        "台吉,2023,消防演练,2\n" +
        "台吉,2023,羊存栏,很多\n" +
        "台吉,2023,西瓜种植面积,5万元\n" +
        "台吉,2023,养老金发放,1.234\n";

    /// <summary>Formulas, a group header over some columns, and merged cells in the header and the data.</summary>
    private static byte[] FormulaMergedXlsx() => new TestWorkbook().Sheet("台账")
        .Row(1, "东明镇2023年种植与养殖")
        .Merge("A1:F1")
        .Row(2, null, "面积（万亩）")
        .Merge("B2:C2")
        .Row(3, "嘎查村", "西瓜种植面积（亩）", "辣椒种植面积（亩）", "羊存栏（只）", "备注")
        .Merge("E3:F3")
        .Row(4, "大台", 100, new Formula("B4*2", 200), 50)
        .Row(5, "小台", 10, 20, 30)
        .Row(6, null, 11, 21, 31)
        .Merge("A5:A6")
        .Row(7, "台吉", 5, 6, new Formula("SUM(D4:D6)", 111))
        .Bytes();

    /// <summary>A forestry patch list of batch 2023年三期 as handed down: dates as date cells, area in 公顷.</summary>
    private static byte[] CasesXlsx() => new TestWorkbook().Sheet("2023年三期林业图斑")
        .Row(1, "2023年三期林业违法图斑整改台账")
        .Merge("A1:J1")
        .Row(2, "序号", "图斑编号", "嘎查村", "批次", "下发日期", "整改期限", "整改状态", "图斑面积（公顷）", "经度", "纬度", "备注")
        .Row(3, 1, "150525-2023-3-001", "大台", "2023年三期", new Date(new DateOnly(2023, 11, 10)), new Date(new DateOnly(2024, 5, 31)), "查处", 0.5m, 120.6612m, 42.8561m, null)
        .Row(4, 2, "150525-2023-3-002", "小台", "2023年三期", new Date(new DateOnly(2023, 11, 10)), new Date(new DateOnly(2024, 5, 31)), "整改中", 0.2m, null, null, "已补植")
        .Row(5, 3, "150525-2023-3-003", "阿都勿苏嘎查", "2023年三期", new Date(new DateOnly(2023, 11, 10)), "2024/5/31", "正在查处整改", 1.25m, null, null, null)
        .Bytes();

    private const string BadCasesCsv =
        "图斑编号,嘎查村,批次,发现日期,整改期限,状态,面积（亩）,经度,纬度,来源\n" +
        "001,大台,2023年三期,2023-11-10,2024-05-31,查处,3.5,120.5,42.9,上级交办\n" +
        "002,不存在村,2023年三期,2023-11-10,2024-05-31,查处,,,,\n" +
        "003,小台,2023年三期,2023/11/10,2024年13月1日,查处,,,,\n" +
        "004,小台,2023年三期,2023-11-10,2024-05-31,已完工,,,,\n" +
        "001,大台,2023年三期,2023-11-10,2024-05-31,查处,,,,\n" +
        "005,台吉,2023年三期,2023-11-10,2023-10-01,整改中,,,,\n" +
        "006,台吉,2023年三期,2024-02-01,2024-05-31,整改中,,,,\n" +
        "007,台吉,2023年三期,2023-11-10,2024-05-31,整改中,-2,,,\n" +
        "008,台吉,2023年三期,2023-11-10,2024-05-31,整改中,1,200,42,\n" +
        "009,台吉,2023期,2023-11-10,2024-05-31,整改中,,,,\n" +
        "010,台吉,2023年三期,2023-11-10,2024-05-31,整改中,,,,网上\n";

    private const string BadRosterCsv =
        "id,name_zh,kind,statistical_code,code_system,source\n" +
        "dongming,东明镇,township,150525105000,,\n" +
        "datai,大台,unknown,,,\n" +
        "datai,大台二,unknown,,,\n" +
        "xiaotai,大台,village,,,\n" +
        "Taiji!,台吉,gacha,,,\n" +
        "yingtu,英图,屯,,,\n" +
        "harula,,village,150525105201,,\n";

    private const string BadCatalogCsv =
        "code,category,name_zh,name_en,unit,kind,entered_at,part_of\n" +
        "crop_total_area,agriculture,农作物总面积,Crops total,亩,stock,village,\n" +
        "crop_maize_area,agriculture,玉米面积,Maize,mu,stock,village,crop_total_area\n" +
        "crop_maize_area,agriculture,玉米面积二,Maize again,mu,stock,village,crop_total_area\n" +
        "crop_rice_area,agriculture,水稻面积,Rice,mu,stock,village,crop_grain_area\n" +
        "crop_beans_area,agriculture,豆类面积,Beans,head,stock,village,crop_total_area\n" +
        "events_held,culture,活动场次,Events,次,flow,township,\n" +
        "coverage_rate,health,覆盖率,Coverage,ratio,存量,township,\n" +
        "Bad Code,health,坏代码,Bad,person,flow,镇,\n" +
        "livestock_goats,livestock,山羊存栏,Goats,head,stock,village,livestock_sheep\n";
}
