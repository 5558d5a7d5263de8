using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Dongming.Tests.Shared;

namespace Dongming.Server.Tests.Http;

/// <summary>
/// The curl examples of the README's HTTP/JSON section, sent as curl sends them (HTTP/1.1; <c>-H</c> headers,
/// <c>-d</c> a POST body, <c>$TOKEN</c> the admin token) to the demo server's HTTP/JSON port. An example whose comment
/// names a status (401, 400) must answer it; every other one must answer 200 with a JSON body.
/// </summary>
public sealed partial class ReadmeCurlTests(DemoServerFixture fixture)
{
    private ServerProcess Server => fixture.Server;

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var start = readme.IndexOf("\n## HTTP/JSON", StringComparison.Ordinal);
        var section = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var expected = 200;
        foreach (var line in section.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith('#')) expected = Status().Match(line) is { Success: true } m ? int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) : 200;
            if (!line.StartsWith("curl ", StringComparison.Ordinal)) continue;
            data.Add(line, expected);
        }
        return data;
    }

    [Fact]
    public void Readme_HasTheExamples() => Assert.True(Examples().Count >= 10, $"{Examples().Count} curl examples");

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task ReadmeCurlExample_Answers(string line, int expected)
    {
        var words = Words(line.Replace("$TOKEN", Server.AdminToken, StringComparison.Ordinal));
        Assert.Equal("curl", words[0]);
        string? url = null, body = null, method = null;
        var headers = new List<(string Name, string Value)>();
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-H": var h = words[++i].Split(':', 2); headers.Add((h[0].Trim(), h[1].Trim())); break;
                case "-d": body = words[++i]; break;
                case "-X": method = words[++i]; break;
                case "-i" or "-s": break;
                default:
                    Assert.StartsWith("http://localhost:5081/", words[i], StringComparison.Ordinal); // the documented default port
                    url = Server.HttpAddress + words[i]["http://localhost:5081".Length..];
                    break;
            }
        }
        Assert.NotNull(url);

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(new HttpMethod(method ?? (body is null ? "GET" : "POST")), url);
        var contentType = "application/x-www-form-urlencoded"; // curl's default for -d
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{(int)response.StatusCode} (expected {expected}): {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("{", text, StringComparison.Ordinal);
    }

    /// <summary>Shell words: single quotes literal, double quotes grouping, blanks separating.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '\'' or '"')
            {
                var end = line.IndexOf(c, i + 1);
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }


    [GeneratedRegex(@"\b[45]\d\d\b")]
    private static partial Regex Status();
}
