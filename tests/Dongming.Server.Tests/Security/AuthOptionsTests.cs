using Dongming.Server.Security;
using Dongming.Server.Settings;

namespace Dongming.Server.Tests.Security;

/// <summary>The settings' validation and the embedded key file, in process.</summary>
public sealed class AuthOptionsTests
{
    private static readonly DongmingOptions Embedded = new();
    private static readonly DongmingOptions Cluster = new() { Mode = "cluster" };

    [Fact]
    public void Defaults_AreValidInEmbeddedMode_ButNotInClusterMode()
    {
        Assert.Empty(new AuthOptions().Problems(Embedded));
        Assert.Contains(new AuthOptions().Problems(Cluster), p => p.Contains("Dongming:Auth:SigningKey", StringComparison.Ordinal));
        Assert.Empty(new AuthOptions { SigningKey = Convert.ToBase64String(new byte[32]) }.Problems(Cluster));
        Assert.Empty(new AuthOptions { Authority = "https://login.example/realms/dongming" }.Problems(Cluster));
    }

    [Theory]
    [InlineData("c2hvcnQ=", "at least 32 bytes")]
    [InlineData("not base64!", "not valid base64")]
    public void BadSigningKey_IsRefused(string key, string problem) =>
        Assert.Contains(new AuthOptions { SigningKey = key }.Problems(Embedded), p => p.Contains(problem, StringComparison.Ordinal));

    [Fact]
    public void PlainHttpAuthority_NeedsRequireHttpsMetadataOff()
    {
        Assert.NotEmpty(new AuthOptions { Authority = "http://127.0.0.1:8080/" }.Problems(Embedded));
        Assert.Empty(new AuthOptions { Authority = "http://127.0.0.1:8080/", RequireHttpsMetadata = false }.Problems(Embedded));
        Assert.NotEmpty(new AuthOptions { Authority = "not a url" }.Problems(Embedded));
    }

    [Fact]
    public void EmbeddedKeyFile_IsCreatedOnce_OwnerOnly_AndReused()
    {
        var data = Directory.CreateTempSubdirectory("dongming-key-").FullName;
        var options = new DongmingOptions { DataDirectory = data };
        var (first, file, created) = SigningKeys.Resolve(new AuthOptions(), options);
        Assert.True(created);
        Assert.True(first!.Length >= AuthOptions.MinKeyBytes);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file!));
        var (again, _, createdAgain) = SigningKeys.Resolve(new AuthOptions(), options);
        Assert.False(createdAgain);
        Assert.Equal(first, again);
        // A configured key wins and writes nothing; cluster mode never writes a key file.
        var configured = Convert.ToBase64String(new byte[40]);
        Assert.Equal(new byte[40], SigningKeys.Resolve(new AuthOptions { SigningKey = configured }, options).Key);
        var clusterData = Directory.CreateTempSubdirectory("dongming-key-").FullName;
        Assert.Null(SigningKeys.Resolve(new AuthOptions(), new DongmingOptions { Mode = "cluster", DataDirectory = clusterData }).Key);
        Assert.Empty(Directory.GetFiles(clusterData));
    }
}
