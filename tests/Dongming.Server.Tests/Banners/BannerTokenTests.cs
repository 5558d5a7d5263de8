using Dongming.Server.Security;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Dongming.Server.Tests.Banners;

/// <summary><c>token issue</c> for banner staff, run in process on a fresh data directory.</summary>
public sealed class BannerTokenTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dongming-token-");

    public void Dispose() => _data.Delete(recursive: true);

    private async Task<(int Code, string Out, string Err)> IssueAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await TokenCommand.RunAsync(["issue", .. args, $"--Dongming:DataDirectory={_data.FullName}"], stdout, stderr);
        return (code, stdout.ToString().Trim(), stderr.ToString());
    }

    [Fact]
    public async Task TokenIssue_BannerStaff_CarriesTheBannerClaim()
    {
        var (code, token, _) = await IssueAsync("--role", "banner_staff", "--banner", "naiman", "--subject", "wang5");

        Assert.Equal(0, code);
        var jwt = new JsonWebToken(token);
        Assert.Equal("banner_staff", jwt.GetClaim("role").Value);
        Assert.Equal("naiman", jwt.GetClaim(Roles.BannerClaim).Value);
        Assert.False(jwt.TryGetClaim(Roles.TownshipClaim, out _));
    }

    [Fact]
    public async Task TokenIssue_BannerStaffWithoutBanner_OrABannerOnAnotherRole_MintsNothing()
    {
        var missing = await IssueAsync("--role", "banner_staff");
        var misplaced = await IssueAsync("--role", "township_staff", "--township", "dongming", "--banner", "naiman");
        var malformed = await IssueAsync("--role", "banner_staff", "--banner", "Nai Man");

        Assert.Equal((2, ""), (missing.Code, missing.Out));
        Assert.Contains("--banner is required for banner_staff", missing.Err, StringComparison.Ordinal);
        Assert.Equal((2, ""), (misplaced.Code, misplaced.Out));
        Assert.Contains("--banner is only for banner_staff", misplaced.Err, StringComparison.Ordinal);
        Assert.Equal((2, ""), (malformed.Code, malformed.Out));
        Assert.Contains("is not a banner id", malformed.Err, StringComparison.Ordinal);
    }
}
