using System.Globalization;
using System.Text;
using Dongming.Contracts.V1;
using Grpc.Core;
using static Dongming.Server.Tests.Security.SecurityTestSupport;

namespace Dongming.Server.Tests.Security;

/// <summary>
/// Malformed requests from fixed-seed generators and the corpus (fuzz-corpus.txt) against the real gRPC surface:
/// every answer is a clean status (never INTERNAL or UNKNOWN), carries no exception text, and a rejected request
/// changes nothing.
/// </summary>
public sealed class FuzzTests(DemoServerFixture fixture)
{
    private const int Seed = 20240601;
    private const string FuzzCaseType = "fuzz_check";

    private static readonly StatusCode[] Clean =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.PermissionDenied,
        StatusCode.Unauthenticated, StatusCode.ResourceExhausted, StatusCode.Aborted, StatusCode.AlreadyExists,
    ];

    private ServerProcess Server => fixture.Server;

    public static IReadOnlyList<string> Corpus { get; } = LoadCorpus();

    private static List<string> LoadCorpus()
    {
        var items = new List<string>();
        foreach (var raw in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Security", "fuzz-corpus.txt")))
        {
            if (raw.StartsWith('#') || raw.Length == 0) continue;
            if (raw == "(empty)") { items.Add(""); continue; }
            if (raw.StartsWith("repeat ", StringComparison.Ordinal))
            {
                var parts = raw.Split(' ', 3);
                var unit = Unescape(parts[2]);
                items.Add(string.Concat(Enumerable.Repeat(unit, int.Parse(parts[1], CultureInfo.InvariantCulture))));
                continue;
            }
            items.Add(Unescape(raw));
        }
        return items;
    }

    private static string Unescape(string s)
    {
        var b = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { b.Append(s[i]); continue; }
            var c = s[++i];
            switch (c)
            {
                case 'n': b.Append('\n'); break;
                case 'r': b.Append('\r'); break;
                case 't': b.Append('\t'); break;
                case '0': b.Append('\0'); break;
                case '\\': b.Append('\\'); break;
                case 'u': b.Append((char)int.Parse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 4; break;
                default: b.Append('\\').Append(c); break;
            }
        }
        return b.ToString();
    }

    /// <summary>Draws hostile or plausible values.</summary>
    private sealed class Gen(int seed)
    {
        private readonly Random _rng = new(seed);

        public string Nasty() => Corpus[_rng.Next(Corpus.Count)];

        /// <summary>Half the time a plausible value, else a corpus entry.</summary>
        public string Maybe(params string[] plausible) => _rng.Next(2) == 0 ? plausible[_rng.Next(plausible.Length)] : Nasty();

        /// <summary>A value the service must refuse (from the corpus, never a plausible one).</summary>
        public string BadDecimal() => new[] { "1e3", "NaN", "Infinity", "+5", "1,000", "１２３", "12345678901234567890123456789", "-1", "0x10", "", " 1", "1." }[_rng.Next(12)];

        public int Int() => _rng.Next(5) switch { 0 => -1, 1 => int.MaxValue, 2 => int.MinValue, 3 => _rng.Next(0, 2000), _ => 0 };

        public long Long() => _rng.Next(4) switch { 0 => -1, 1 => long.MaxValue, 2 => 0, _ => _rng.Next(1, 10) };

        public T Enum<T>() where T : struct, System.Enum => (T)(object)_rng.Next(-2, 12);

        public bool Bool() => _rng.Next(2) == 0;

        public int Next(int max) => _rng.Next(max);

        public int Next(int min, int max) => _rng.Next(min, max);
    }

    private static void AssertClean(string what, Exception? error)
    {
        if (error is null) return;
        var e = Assert.IsType<RpcException>(error);
        Assert.True(Clean.Contains(e.StatusCode), $"{what}: {e.StatusCode} {e.Status.Detail}");
        Assert.DoesNotContain("Exception", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", e.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task<Exception?> Try(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }

    [Fact]
    public void Corpus_IsLoaded_WithItsNastyEntries()
    {
        Assert.True(Corpus.Count > 80);
        Assert.Contains(Corpus, s => s.Length == 1 && char.IsHighSurrogate(s[0]));
        Assert.Contains(Corpus, s => s.Contains('\0', StringComparison.Ordinal));
        Assert.Contains(Corpus, s => s.Length >= 100_000);
    }

    [Fact]
    public async Task RejectedReports_AnswerCleanly_AndApplyNothing()
    {
        var reporting = new ReportingService.ReportingServiceClient(Server.Channel);
        var township = new TownshipService.TownshipServiceClient(Server.Channel);
        var period = Rpc.FreshPeriod();
        var g = new Gen(Seed);
        for (var i = 0; i < 250; i++)
        {
            var request = new ReportValuesRequest
            {
                OrgUnitId = g.Maybe("datai", "xiaotai", "dongming"),
                Period = g.Next(4) == 0 ? g.Nasty() : period,
                RequestId = g.Next(4) == 0 ? g.Nasty() : Rpc.Id(),
                Comment = g.Maybe("台账", "e2e", ""),
            };
            var lines = g.Next(6) == 0 ? 201 + g.Next(50) : g.Next(1, 8);
            for (var l = 0; l < lines; l++)
                request.Values.Add(new IndicatorValue { Indicator = g.Maybe("livestock_sheep", "livestock_total", "crop_silage_maize_area", "regional_epidemics"), Value = g.Maybe("1", "0.5", "2650") });
            // At least one value the service must refuse: the whole batch is rejected.
            request.Values[g.Next(request.Values.Count)].Value = g.BadDecimal();
            var error = await Try(() => reporting.ReportValuesAsync(request).ResponseAsync);
            Assert.True(error is not null, $"accepted a batch with a bad value: {request.Values.First(v => !IsPlain(v.Value)).Value}");
            AssertClean("ReportValues", error);
        }
        foreach (var unit in new[] { "datai", "xiaotai", "dongming" })
            Assert.Empty((await reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = unit, Period = period })).Values);
        Assert.Empty((await township.GetTotalsAsync(new GetTotalsRequest { TownshipId = "dongming", Period = period })).Totals);
    }

    private static bool IsPlain(string value) => value.Length > 0 && value.All(c => c is >= '0' and <= '9' or '.') && value.Count(c => c == '.') <= 1 && value[0] != '.' && value[^1] != '.' && value.Length <= 28;

    [Fact]
    public async Task RejectedCaseChanges_AnswerCleanly_AndApplyNothing()
    {
        await PrepareAsync(Server);
        await new CatalogService.CatalogServiceClient(Server.Channel).DefineCaseTypeAsync(new DefineCaseTypeRequest
        {
            RequestId = "fuzz-check-type",
            CaseType = new CaseType { Code = FuzzCaseType, NameZh = "模糊测试", NameEn = "Fuzz check" },
        });
        var cases = new CaseService.CaseServiceClient(Server.Channel);
        var target = (await cases.OpenCaseAsync(new OpenCaseRequest
        {
            VillageId = "datai",
            CaseType = TestCaseType,
            Batch = "2026",
            Title = "模糊测试目标",
            Deadline = "2099-12-31",
            RequestId = Rpc.Id(),
        })).Case;
        var g = new Gen(Seed + 1);
        for (var i = 0; i < 200; i++)
        {
            // OpenCase with one field surely bad (an over-long title, a bad date or a bad area).
            var open = new OpenCaseRequest
            {
                VillageId = g.Maybe("datai"),
                CaseType = g.Maybe(FuzzCaseType),
                Batch = g.Maybe("2026", "2023-3", ""),
                Title = g.Maybe("标题"),
                Description = g.Maybe("", "说明"),
                Deadline = g.Maybe("2099-12-31"),
                Category = g.Maybe("", "road_traffic"),
                Source = g.Enum<CaseSource>(),
                Assignee = g.Maybe("", "张三"),
                RequestId = g.Maybe(Rpc.Id()),
                OpenedOn = g.Maybe("", "2024-01-01"),
                AreaMu = g.Maybe("", "1.5"),
                Note = g.Maybe("", "备注"),
                Repeat = g.Bool(),
                Returned = g.Bool(),
                Location = g.Next(3) == 0 ? new Location { Longitude = g.Maybe("121.5"), Latitude = g.Maybe("43.2") } : null,
            };
            switch (g.Next(3))
            {
                case 0: open.Title = new string('标', 1000); break;
                case 1: open.Deadline = "2023-02-30"; break;
                default: open.AreaMu = g.BadDecimal() is { Length: > 0 } bad ? bad : "NaN"; break;
            }
            AssertClean("OpenCase", await Try(() => cases.OpenCaseAsync(open).ResponseAsync));

            var transition = new TransitionCaseRequest
            {
                CaseId = g.Next(3) == 0 ? g.Nasty() : target.CaseId,
                ToStatus = g.Enum<CaseStatus>(),
                ExpectedVersion = g.Long(),
                Note = g.Maybe("", "复核"),
                RequestId = g.Maybe(Rpc.Id()),
                EffectiveOn = g.Maybe("", "2024-01-01"),
            };
            if (transition.CaseId == target.CaseId) transition.ExpectedVersion = target.Version + 1 + g.Next(5); // stale or future: never applies
            AssertClean("TransitionCase", await Try(() => cases.TransitionCaseAsync(transition).ResponseAsync));

            var update = new UpdateCaseRequest { CaseId = g.Next(3) == 0 ? g.Nasty() : target.CaseId, ExpectedVersion = g.Long(), Note = g.Maybe("", "延期"), RequestId = g.Maybe(Rpc.Id()) };
            if (g.Bool()) update.Deadline = g.Maybe("2100-01-01");
            if (g.Bool()) update.Assignee = g.Maybe("李四");
            if (update.CaseId == target.CaseId) update.ExpectedVersion = target.Version + 1 + g.Next(5);
            AssertClean("UpdateCase", await Try(() => cases.UpdateCaseAsync(update).ResponseAsync));
        }
        Assert.Empty((await cases.ListCasesAsync(new ListCasesRequest { VillageId = "datai", CaseType = FuzzCaseType })).Cases);
        var after = (await cases.GetCaseAsync(new GetCaseRequest { CaseId = target.CaseId })).Case;
        Assert.Equal(target.Version, after.Version);
        Assert.Single((await cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = target.CaseId })).Entries);
    }

    [Fact]
    public async Task MalformedReadsAndDefinitions_AnswerCleanly()
    {
        await PrepareAsync(Server);
        var g = new Gen(Seed + 2);
        var village = new VillageService.VillageServiceClient(Server.Channel);
        var catalog = new CatalogService.CatalogServiceClient(Server.Channel);
        var reporting = new ReportingService.ReportingServiceClient(Server.Channel);
        var township = new TownshipService.TownshipServiceClient(Server.Channel);
        var cases = new CaseService.CaseServiceClient(Server.Channel);
        var reporter = Invoker(Server, Who.Reporter);
        var before = (await catalog.ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators.Select(i => i.Code).ToHashSet();
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("ListVillages", () => village.ListVillagesAsync(new ListVillagesRequest { TownshipId = g.Maybe("dongming"), PageSize = g.Int(), PageToken = g.Maybe("", "ZGF0YWk=") }).ResponseAsync),
            ("GetVillage", () => village.GetVillageAsync(new GetVillageRequest { VillageId = g.Nasty() }).ResponseAsync),
            ("RegisterVillage", () => village.RegisterVillageAsync(new RegisterVillageRequest { VillageId = g.Nasty(), Name = g.Maybe("新村"), Kind = g.Enum<VillageKind>(), TownshipId = g.Maybe(OtherTownship) }).ResponseAsync),
            ("GetIndicator", () => catalog.GetIndicatorAsync(new GetIndicatorRequest { Code = g.Nasty() }).ResponseAsync),
            ("ListIndicators", () => catalog.ListIndicatorsAsync(new ListIndicatorsRequest { Category = g.Nasty() }).ResponseAsync),
            ("DefineIndicator", () => catalog.DefineIndicatorAsync(new DefineIndicatorRequest
            {
                RequestId = g.Maybe(Rpc.Id()),
                Indicator = g.Next(8) == 0 ? null : new Indicator
                {
                    Code = g.Nasty(), NameZh = g.Maybe("测试"), NameEn = g.Maybe("Test"), Unit = g.Maybe("mu"), Category = g.Maybe("agriculture"),
                    Kind = g.Enum<IndicatorKind>(), EnteredAt = g.Enum<EnteredAt>(), PartOf = g.Maybe("", "livestock_total"),
                },
            }).ResponseAsync),
            ("DefineCaseType", () => catalog.DefineCaseTypeAsync(new DefineCaseTypeRequest { RequestId = g.Maybe(Rpc.Id()), CaseType = new CaseType { Code = g.Nasty(), NameZh = g.Maybe("类型"), NameEn = g.Maybe("Type") } }).ResponseAsync),
            ("GetValues", () => reporting.GetValuesAsync(new GetValuesRequest { OrgUnitId = g.Maybe("datai"), Period = g.Maybe("2023"), Indicators = { g.Nasty() } }).ResponseAsync),
            ("GetValueHistory", () => reporting.GetValueHistoryAsync(new GetValueHistoryRequest { OrgUnitId = g.Maybe("datai"), Period = g.Maybe("2023"), Indicator = g.Maybe("livestock_sheep") }).ResponseAsync),
            ("GetTownship", () => township.GetTownshipAsync(new GetTownshipRequest { TownshipId = g.Nasty() }).ResponseAsync),
            ("RegisterTownship", () => township.RegisterTownshipAsync(new RegisterTownshipRequest
            {
                Township = g.Next(8) == 0 ? null : new Township { TownshipId = g.Nasty(), Name = g.Maybe("镇"), StatisticalCode = g.Maybe("", "150428100000"), CodeSystem = g.Maybe("", "stats") },
            }).ResponseAsync),
            ("GetTotals", () => township.GetTotalsAsync(new GetTotalsRequest { TownshipId = g.Maybe("dongming"), Period = g.Maybe("2023"), Indicators = { g.Maybe("livestock_sheep") }, IncludeBreakdown = g.Bool() }).ResponseAsync),
            ("GetCaseSummary", () => township.GetCaseSummaryAsync(new GetCaseSummaryRequest { TownshipId = g.Maybe("dongming"), CaseType = g.Maybe("", "safety_hazard"), Batch = g.Maybe("", "2023"), AsOf = g.Maybe("", "2023-12-31") }).ResponseAsync),
            ("RepairTotals", () => township.RepairTotalsAsync(new RepairTotalsRequest { TownshipId = g.Nasty() }).ResponseAsync),
            ("GetCase", () => cases.GetCaseAsync(new GetCaseRequest { CaseId = g.Nasty() }).ResponseAsync),
            ("GetCaseHistory", () => cases.GetCaseHistoryAsync(new GetCaseHistoryRequest { CaseId = g.Nasty() }).ResponseAsync),
            ("ListCases", () => cases.ListCasesAsync(new ListCasesRequest
            {
                VillageId = g.Maybe("", "datai"), TownshipId = g.Maybe("", "dongming"), CaseType = g.Maybe("", "safety_hazard"), Status = g.Enum<CaseStatus>(),
                Batch = g.Maybe("", "2023-3"), OverdueAsOf = g.Maybe("", "2024-06-01"), PageSize = g.Int(), PageToken = g.Maybe("", "MjAyNC0wMS0wMXx4"),
            }).ResponseAsync),
            ("WatchTotals", async () =>
            {
                using var call = township.WatchTotals(new WatchTotalsRequest { TownshipId = g.Nasty(), Period = g.Maybe("2023") }, deadline: DateTime.UtcNow.AddSeconds(20));
                await call.ResponseStream.MoveNext(CancellationToken.None);
            }),
            ("Reporter:GetValues", () => new ReportingService.ReportingServiceClient(reporter).GetValuesAsync(new GetValuesRequest { OrgUnitId = g.Nasty(), Period = g.Maybe("2023") }).ResponseAsync),
            ("Reporter:GetCase", () => new CaseService.CaseServiceClient(reporter).GetCaseAsync(new GetCaseRequest { CaseId = g.Nasty() }).ResponseAsync),
        };
        for (var round = 0; round < 40; round++)
            foreach (var (name, call) in calls)
                AssertClean(name, await Try(call));
        // Nothing the fuzzer sent was defined (the access matrix, sharing this server, may define its own meanwhile).
        var added = (await catalog.ListIndicatorsAsync(new ListIndicatorsRequest())).Indicators.Select(i => i.Code)
            .Where(c => !before.Contains(c) && !c.StartsWith(AccessMatrixTests.MatrixIndicatorPrefix, StringComparison.Ordinal));
        Assert.Empty(added);
    }

    [Fact]
    public async Task GarbageBytes_AsARequestMessage_AnswerCleanly()
    {
        var rng = new Random(Seed + 3);
        var marshaller = Marshallers.Create<byte[]>(b => b, b => b);
        foreach (var (service, method) in new[] { ("dongming.v1.ReportingService", "ReportValues"), ("dongming.v1.CaseService", "OpenCase"), ("dongming.v1.TownshipService", "GetTotals") })
        {
            var m = new Method<byte[], byte[]>(MethodType.Unary, service, method, marshaller, marshaller);
            for (var i = 0; i < 30; i++)
            {
                var body = new byte[rng.Next(1, 300)];
                rng.NextBytes(body);
                if (i % 3 == 0) body[0] = 0x0A; // a length-delimited field 1 with a lying length
                var error = await Try(() => Server.Channel.CreateCallInvoker().AsyncUnaryCall(m, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)), body).ResponseAsync);
                AssertClean($"{method} garbage", error);
            }
        }
    }

    [Fact]
    public async Task OversizedMessage_IsResourceExhausted_AndNotApplied()
    {
        var period = Rpc.FreshPeriod();
        var request = Rpc.Report("datai", period, ("livestock_sheep", "1"));
        request.Comment = new string('x', 2 * 1024 * 1024);
        var error = await Try(() => new ReportingService.ReportingServiceClient(Server.Channel).ReportValuesAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, Assert.IsType<RpcException>(error).StatusCode);
        Assert.Empty((await new ReportingService.ReportingServiceClient(Server.Channel).GetValuesAsync(new GetValuesRequest { OrgUnitId = "datai", Period = period })).Values);
    }
}
