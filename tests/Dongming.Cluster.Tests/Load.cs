using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Cluster.Tests;

/// <summary>
/// Concurrent writes through every silo's gRPC endpoint: ReportValues, each to its own (village, month) so every
/// acknowledged value can be read back exactly, and case lifecycles (open, investigate, rectify, rectified, close).
/// Every call is made once (no retries), with its outcome recorded against the endpoint and the time it was sent.
/// </summary>
public sealed class Load(IReadOnlyList<Silo> silos, IReadOnlyList<string> villages)
{
    public const string Indicator = "livestock_sheep";
    private static readonly CaseStatus[] Lifecycle = [CaseStatus.Investigating, CaseStatus.Rectifying, CaseStatus.Rectified, CaseStatus.Closed];
    private int _next = -1;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, bool> _retired = new();

    public sealed record Call(string Endpoint, string Kind, TimeSpan SentAt, StatusCode? Failure);

    public ConcurrentBag<Call> Calls { get; } = [];
    /// <summary>Acknowledged values: village, period, value.</summary>
    public ConcurrentBag<(string Village, string Period, string Value)> Values { get; } = [];
    /// <summary>Every (village, period) written to, acknowledged or not.</summary>
    public ConcurrentBag<(string Village, string Period)> Attempted { get; } = [];
    /// <summary>Acknowledged case changes: case id, request id, case version after it.</summary>
    public ConcurrentBag<(string CaseId, string RequestId, long Version)> CaseChanges { get; } = [];

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>No new calls through this silo's endpoint (it is being stopped or was killed); calls in flight go on.</summary>
    public void Retire(Silo silo) => _retired[silo.Name] = true;

    public static string PeriodOf(int slot) => $"{2060 + slot / 12}-{slot % 12 + 1:D2}";

    /// <summary>Runs <paramref name="workersPerSilo"/> workers on every endpoint until <paramref name="stop"/> fires.</summary>
    public Task RunAsync(int workersPerSilo, CancellationToken stop) =>
        Task.WhenAll(silos.SelectMany(s => Enumerable.Range(0, workersPerSilo).Select(w => Task.Run(() => WorkerAsync(s, w, stop)))));

    private async Task WorkerAsync(Silo silo, int worker, CancellationToken stop)
    {
        var client = silo.Client;
        (string Id, long Version, int Step)? current = null;
        for (var round = 0; !stop.IsCancellationRequested && !_retired.ContainsKey(silo.Name); round++)
        {
            if (round % 4 != 3)
            {
                var i = Interlocked.Increment(ref _next);
                var slot = i / villages.Count;
                if (slot >= 480) break; // 2060-01 … 2099-12
                var village = villages[i % villages.Count];
                var period = PeriodOf(slot);
                var value = (1000 + i).ToString(CultureInfo.InvariantCulture);
                Attempted.Add((village, period));
                var request = new ReportValuesRequest { OrgUnitId = village, Period = period, RequestId = $"load-{i}", Comment = "cluster test" };
                request.Values.Add(new IndicatorValue { Indicator = Indicator, Value = value });
                if (await TryAsync(silo, "report", () => client.Reporting.ReportValuesAsync(request, DongmingClient.Options(TimeSpan.FromSeconds(20))).ResponseAsync) is not null)
                    Values.Add((village, period, value));
                continue;
            }

            if (current is null)
            {
                var village = villages[(worker * 7 + round) % villages.Count];
                var requestId = $"open-{silo.Name}-{worker}-{round}";
                var opened = await TryAsync(silo, "open", () => client.Cases.OpenCaseAsync(new OpenCaseRequest
                {
                    VillageId = village,
                    CaseType = "safety_hazard",
                    Batch = "2026",
                    Title = "集群测试隐患",
                    Deadline = "2026-12-31",
                    Category = "road_traffic",
                    Source = CaseSource.Inspection,
                    RequestId = requestId,
                }, DongmingClient.Options(TimeSpan.FromSeconds(20))).ResponseAsync);
                if (opened is not null)
                {
                    CaseChanges.Add((opened.Case.CaseId, requestId, opened.Case.Version));
                    current = (opened.Case.CaseId, opened.Case.Version, 0);
                }
                continue;
            }

            var (id, version, step) = current.Value;
            var transitionId = $"{id}-{silo.Name}-{worker}-{step}";
            var moved = await TryAsync(silo, "transition", () => client.Cases.TransitionCaseAsync(new TransitionCaseRequest
            {
                CaseId = id,
                ToStatus = Lifecycle[step],
                ExpectedVersion = version,
                RequestId = transitionId,
            }, DongmingClient.Options(TimeSpan.FromSeconds(20))).ResponseAsync);
            if (moved is null)
            {
                current = null; // outcome unknown: leave this case alone
                continue;
            }
            CaseChanges.Add((id, transitionId, moved.Case.Version));
            current = step + 1 < Lifecycle.Length ? (id, moved.Case.Version, step + 1) : null;
        }
    }

    private async Task<T?> TryAsync<T>(Silo silo, string kind, Func<Task<T>> call) where T : class
    {
        var sentAt = Now;
        try
        {
            var result = await call();
            Calls.Add(new Call(silo.Name, kind, sentAt, null));
            return result;
        }
        catch (RpcException e)
        {
            Calls.Add(new Call(silo.Name, kind, sentAt, e.StatusCode));
            await Task.Delay(100); // no busy loop while part of the cluster is down
            return null;
        }
    }
}
