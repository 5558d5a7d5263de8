using System.Text.RegularExpressions;
using Dongming.Server.Security;
using Dongming.Tests.Shared;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;

namespace Dongming.Server.Tests.InProcess;

/// <summary>
/// Every grpcurl example of the README against <c>localhost:5080</c>, run in the README's order on a server with the
/// demo data, as grpcurl runs it: the service is found through server reflection with the example's token, the
/// request parsed from its <c>-d</c> JSON (unknown fields rejected, as grpcurl does) and sent as bytes. An example
/// answers OK unless the comment line above it names the status it shows (e.g. <c>PERMISSION_DENIED</c>).
/// grpcurl itself is not installable here; this is its path.
/// </summary>
public sealed partial class ReadmeGrpcurlTests(ReadmeServerFixture fixture) : IClassFixture<ReadmeServerFixture>
{
    private static readonly string[] StatusNames = Enum.GetNames<StatusCode>().Select(ToUpperSnake).ToArray();

    /// <summary>One example: its line number, the status it should answer, the token it uses, its method and JSON.</summary>
    public sealed record Example(int Line, StatusCode Expected, string Token, string Method, string Json, bool Streaming)
    {
        public override string ToString() => $"README.md:{Line} {Method}";
    }

    [Fact]
    public void Readme_HasExamplesForEveryService()
    {
        var examples = Parse(File.ReadAllText(Path.Combine(Repository.Root, "README.md")));
        var services = examples.Select(e => e.Method[..e.Method.LastIndexOf('/')]).ToHashSet();
        // Every service the server serves (the policy table has a row for each of its RPCs).
        var served = AccessPolicy.Table.Keys.Select(k => k.Split('/')[1]).Distinct(StringComparer.Ordinal);
        Assert.All(served, service => Assert.True(services.Contains(service), $"the README has no grpcurl example of {service}"));
    }

    [Fact]
    public async Task ReadmeExamples_InOrder_AnswerAsTheReadmeSays()
    {
        var examples = Parse(File.ReadAllText(Path.Combine(Repository.Root, "README.md")));
        Assert.True(examples.Count > 40, $"only {examples.Count} examples found");
        var reporter = fixture.Server.Issuer.Issue(new TokenRequest("u123", "张三", Roles.VillageReporter, null, ["datai"], TimeSpan.FromDays(30)));
        var failures = new List<string>();
        foreach (var example in examples)
        {
            var token = example.Token == "TOKEN" ? reporter : fixture.Server.AdminToken;
            var (status, detail) = await RunAsync(example, token);
            if (status != example.Expected) failures.Add($"{example}: {status} (expected {example.Expected}) {detail}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// The examples against the default port, with the status each should answer. A line ending in <c>\</c> goes on
    /// in the next; what a pipe does with the answer is not part of the call; <c>-d "…"</c> is read as the shell reads
    /// it, with <c>$(b64 FILE)</c> as the base64 of that repository file; an example with a placeholder (…) is a
    /// template, not a call.
    /// </summary>
    public static IReadOnlyList<Example> Parse(string readme)
    {
        var examples = new List<Example>();
        var lines = readme.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith("grpcurl ", StringComparison.Ordinal)) continue;
            var first = i;
            while (line.EndsWith('\\') && i + 1 < lines.Length) line = line[..^1].TrimEnd() + " " + lines[++i].Trim();
            var pipe = line.IndexOf(" | ", StringComparison.Ordinal);
            if (pipe > 0) line = line[..pipe];
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(words, "localhost:5080");
            if (at < 0 || at + 1 >= words.Length || !words[at + 1].StartsWith("dongming.v1.", StringComparison.Ordinal)) continue; // list, health: ReadmeHealthTests
            var method = words[at + 1];
            var token = line.Contains("$TOKEN", StringComparison.Ordinal) ? "TOKEN" : "AUTH";
            var comment = first > 0 && lines[first - 1].TrimStart().StartsWith('#') ? lines[first - 1] : "";
            var expected = StatusNames.Select((n, k) => (n, k)).Where(x => x.k > 0 && comment.Contains(x.n, StringComparison.Ordinal))
                .Select(x => Enum.GetValues<StatusCode>()[x.k]).DefaultIfEmpty(StatusCode.OK).First();
            var single = Regex.Match(line, "-d '([^']*)'");
            var quoted = Regex.Match(line, "-d \"((?:[^\"\\\\]|\\\\.)*)\"");
            var json = single.Success ? single.Groups[1].Value
                : quoted.Success ? Base64Files().Replace(quoted.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal),
                    m => Convert.ToBase64String(File.ReadAllBytes(Path.Combine(Repository.Root, m.Groups[1].Value))))
                : "{}";
            if (json.Contains('…', StringComparison.Ordinal)) continue;
            examples.Add(new Example(first + 1, expected, token, method, json, method.EndsWith("/WatchTotals", StringComparison.Ordinal)));
        }
        return examples;
    }

    [GeneratedRegex(@"\$\(b64 ([^)\s]+)\)")]
    private static partial Regex Base64Files();

    private async Task<(StatusCode Status, string Detail)> RunAsync(Example example, string token)
    {
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        var slash = example.Method.LastIndexOf('/');
        var (service, name) = (example.Method[..slash], example.Method[(slash + 1)..]);
        try
        {
            var rpc = await ResolveAsync(service, name, headers);
            var request = rpc.InputType.Parser.ParseJson(example.Json);
            var call = new Method<byte[], byte[]>(example.Streaming ? MethodType.ServerStreaming : MethodType.Unary, service, name, Bytes, Bytes);
            var invoker = fixture.Server.Anonymous.CreateCallInvoker();
            var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(30));
            if (example.Streaming)
            {
                // grpcurl prints the first message and keeps the stream open; the first message is the answer here.
                using var cancel = new CancellationTokenSource();
                using var stream = invoker.AsyncServerStreamingCall(call, null, options.WithCancellationToken(cancel.Token), request.ToByteArray());
                Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None), $"{example}: the stream ended without a message");
                rpc.OutputType.Parser.ParseFrom(stream.ResponseStream.Current);
                await cancel.CancelAsync();
            }
            else
            {
                rpc.OutputType.Parser.ParseFrom(await invoker.AsyncUnaryCall(call, null, options, request.ToByteArray()));
            }
            return (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
        catch (InvalidProtocolBufferException e)
        {
            return (StatusCode.InvalidArgument, "the example's JSON does not parse: " + e.Message);
        }
    }

    /// <summary>
    /// The method as reflection describes it to this caller (so an example of a service reflection does not list
    /// fails), bound to the contract's generated message types for JSON.
    /// </summary>
    private async Task<MethodDescriptor> ResolveAsync(string service, string name, Metadata headers)
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Server.Anonymous);
        using var call = client.ServerReflectionInfo(headers);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = service });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        // The described files as sent (grpcurl links them with the well-known types it has built in).
        var described = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom)
            .FirstOrDefault(f => f.Service.Any(s => $"{f.Package}.{s.Name}" == service && s.Method.Any(m => m.Name == name)))
            ?? throw new RpcException(new Status(StatusCode.Unimplemented, $"reflection does not describe {service}/{name}"));
        return Contract(described.Name).Services.Single(s => s.FullName == service).FindMethodByName(name);
    }

    /// <summary>The generated descriptor of a contract file (the same proto the server was built from).</summary>
    private static FileDescriptor Contract(string file) =>
        typeof(Dongming.Contracts.V1.ReportingService).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", typeof(FileDescriptor))?.GetValue(null) as FileDescriptor)
            .First(d => d is not null && d.Name == file)!;

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static string ToUpperSnake(string name) => Regex.Replace(name, "(?<=[a-z])([A-Z])", "_$1").ToUpperInvariant();

}

/// <summary>A server with the demo data, as a user's first start has it.</summary>
public sealed class ReadmeServerFixture : IAsyncLifetime
{
    public InProcessServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await InProcessServer.StartAsync(["--Dongming:Demo:Load=true"]);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
