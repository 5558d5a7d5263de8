using Dongming.Contracts.V1;
using Grpc.Core;

namespace Dongming.Server.Tests;

/// <summary>
/// Hostile requests to the quality and approval services (from the fuzz corpus, fixed seed): every answer is a clean
/// status with no exception text, and nothing is defined or approved by them.
/// </summary>
public sealed class QualityFuzzTests(DemoServerFixture fixture)
{
    private static readonly StatusCode[] Clean =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.PermissionDenied, StatusCode.AlreadyExists,
    ];

    [Fact]
    public async Task MalformedQualityAndApprovalRequests_AnswerCleanly_AndChangeNothing()
    {
        var server = fixture.Server;
        var corpus = Security.FuzzTests.Corpus;
        var rng = new Random(20260601);
        string Nasty() => corpus[rng.Next(corpus.Count)];
        string Maybe(string plausible) => rng.Next(2) == 0 ? plausible : Nasty();
        T Enum<T>() where T : struct, System.Enum => (T)(object)rng.Next(-2, 10);
        var quality = new QualityService.QualityServiceClient(server.Channel);
        var approvals = new ApprovalService.ApprovalServiceClient(server.Channel);
        var rulesBefore = (await quality.ListValidationRulesAsync(new ListValidationRulesRequest())).Rules.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var setsBefore = (await quality.ListDataSetsAsync(new ListDataSetsRequest { TownshipId = "dongming" })).DataSets.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("DefineValidationRule", () => quality.DefineValidationRuleAsync(new DefineValidationRuleRequest
            {
                RequestId = Maybe(Rpc.Id()),
                Rule = new ValidationRule
                {
                    Code = Nasty(), NameZh = Maybe("规则"), Left = Maybe("livestock_sheep ÷ (livestock_total"), Right = Nasty(), Tolerance = Maybe("0.5"),
                    Operator = Enum<RuleOperator>(), Importance = Enum<Importance>(), Scope = Enum<RuleScope>(), PeriodType = Enum<PeriodType>(),
                },
            }).ResponseAsync),
            ("RunValidation", () => quality.RunValidationAsync(new RunValidationRequest { TownshipId = Maybe("dongming"), Period = Nasty(), OrgUnitIds = { Nasty() } }).ResponseAsync),
            ("FindOutliers", () => quality.FindOutliersAsync(new FindOutliersRequest
            {
                TownshipId = Maybe("dongming"), Period = Maybe("2023"), Indicator = Nasty(), Method = Enum<OutlierMethod>(), Threshold = Nasty(), Min = Nasty(), JumpFactor = Nasty(),
            }).ResponseAsync),
            ("DefineDataSet", () => quality.DefineDataSetAsync(new DefineDataSetRequest
            {
                TownshipId = Maybe("dongming"), RequestId = Maybe(Rpc.Id()),
                DataSet = new DataSet { Code = Nasty(), NameZh = Maybe("数据集"), PeriodType = Enum<PeriodType>(), Indicators = { Nasty() }, OrgUnitIds = { Nasty() }, DueDays = rng.Next(-5, 500) },
            }).ResponseAsync),
            ("ListDataSets", () => quality.ListDataSetsAsync(new ListDataSetsRequest { TownshipId = Nasty() }).ResponseAsync),
            ("GetCompleteness", () => quality.GetCompletenessAsync(new GetCompletenessRequest { TownshipId = Maybe("dongming"), DataSet = Nasty(), Period = Nasty() }).ResponseAsync),
            ("Submit", () => approvals.SubmitAsync(new SubmitRequest { OrgUnitId = Maybe("datai"), DataSet = Nasty(), Period = Maybe("2023"), RequestId = Maybe(Rpc.Id()), Reason = Nasty() }).ResponseAsync),
            ("Approve", () => approvals.ApproveAsync(new ApproveRequest { OrgUnitId = Maybe("datai"), DataSet = Maybe("village_ledger_yearly"), Period = Nasty(), RequestId = Maybe(Rpc.Id()) }).ResponseAsync),
            ("Reject", () => approvals.RejectAsync(new RejectRequest { OrgUnitId = Nasty(), DataSet = Maybe("village_ledger_yearly"), Period = Maybe("2023"), RequestId = Maybe(Rpc.Id()), Reason = Nasty() }).ResponseAsync),
            ("Unapprove", () => approvals.UnapproveAsync(new UnapproveRequest { OrgUnitId = Maybe("datai"), DataSet = Maybe("village_ledger_yearly"), Period = Maybe("2023"), RequestId = Nasty(), Reason = Nasty() }).ResponseAsync),
            ("GetApprovalStatus", () => approvals.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = Maybe("dongming"), DataSet = Nasty(), Period = Nasty(), OrgUnitId = Nasty() }).ResponseAsync),
        };
        for (var round = 0; round < 30; round++)
        {
            foreach (var (name, call) in calls)
            {
                try
                {
                    await call();
                }
                catch (RpcException e)
                {
                    Assert.True(Clean.Contains(e.StatusCode), $"{name}: {e.StatusCode} {e.Status.Detail}");
                    Assert.DoesNotContain("Exception", e.Status.Detail, StringComparison.Ordinal);
                    Assert.DoesNotContain("System.", e.Status.Detail, StringComparison.Ordinal);
                }
            }
        }
        // Nothing the fuzzer sent was defined or approved (the access matrix, sharing this server, may define its own meanwhile).
        var rulesAdded = (await quality.ListValidationRulesAsync(new ListValidationRulesRequest())).Rules.Select(r => r.Code)
            .Where(c => !rulesBefore.Contains(c) && !c.StartsWith(Security.AccessMatrixTests.MatrixIndicatorPrefix, StringComparison.Ordinal) && !c.StartsWith("sheep_cap_", StringComparison.Ordinal));
        Assert.Empty(rulesAdded);
        var setsAdded = (await quality.ListDataSetsAsync(new ListDataSetsRequest { TownshipId = "dongming" })).DataSets.Select(d => d.Code)
            .Where(c => !setsBefore.Contains(c) && !c.StartsWith(Security.AccessMatrixTests.MatrixIndicatorPrefix, StringComparison.Ordinal) && c != Security.SecurityTestSupport.TestDataSet);
        Assert.Empty(setsAdded);
        var yearly = await approvals.GetApprovalStatusAsync(new GetApprovalStatusRequest { TownshipId = "dongming", DataSet = "village_ledger_yearly", Period = "2023" });
        Assert.Equal(0, yearly.VillagesApproved);
    }
}
