namespace Dongming.Tests.Shared;

/// <summary>The repository the tests run from: the folder of Dongming.sln above the test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dongming.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Dongming.sln not found above {AppContext.BaseDirectory}");
    }
}
