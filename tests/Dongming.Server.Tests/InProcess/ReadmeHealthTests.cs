using System.Text.Json;
using System.Text.RegularExpressions;
using Dongming.Storage;
using Dongming.Tests.Shared;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Dongming.Server.Tests.InProcess;

/// <summary>
/// The README's health examples run as grpcurl runs them, without a token: the method is resolved through
/// server reflection (the file containing the symbol), the request encoded from the example's <c>-d</c> JSON with
/// that descriptor, and the answer decoded with it. grpcurl itself is not installable here; this is its path.
/// </summary>
public sealed partial class ReadmeHealthTests(InProcessServerFixture fixture) : IClassFixture<InProcessServerFixture>
{
    /// <summary>Every grpcurl line of the READMEs without a token header that calls the health service.</summary>
    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var readme in new[] { "README.md", "k8s/README.md" })
        {
            foreach (Match m in GrpcurlLine().Matches(File.ReadAllText(Path.Combine(Repository.Root, readme))))
            {
                var line = m.Value.Trim().TrimEnd('`', '.');
                if (line.Contains(" -H ", StringComparison.Ordinal) || !line.Contains("grpc.health.v1.Health/", StringComparison.Ordinal)) continue;
                data.Add(readme, line);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task ReadmeHealthExample_WorksWithoutAToken(string readme, string line)
    {
        var method = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        var json = DataOf(line);
        var (service, name) = (method[..method.LastIndexOf('/')], method[(method.LastIndexOf('/') + 1)..]);

        var descriptor = await ResolveAsync(service);
        var rpc = descriptor.Services.Single(d => d.FullName == service).FindMethodByName(name);
        Assert.True(rpc is not null, $"{readme}: {method} not found by reflection");
        var request = Encode(rpc.InputType, json);
        var call = new Method<byte[], byte[]>(MethodType.Unary, service, name, Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var reply = await fixture.Server.Anonymous.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), request);
        Assert.Equal("SERVING", DecodeStatus(rpc.OutputType, reply));
    }

    [Fact]
    public async Task AnonymousReflection_DescribesOnlyTheHealthService()
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Server.Anonymous);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "dongming.v1.ReportingService" });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public void JournalException_CrossesBetweenSilos_WithItsFault()
    {
        var serializer = fixture.Server.Services.GetRequiredService<Orleans.Serialization.Serializer>();
        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new JournalException(JournalFault.Full, "disk full")));
        Assert.Equal(JournalFault.Full, Assert.IsType<JournalException>(copy).Fault);
    }

    private async Task<FileDescriptor> ResolveAsync(string symbol)
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Server.Anonymous);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto;
        return FileDescriptor.BuildFromByteStrings(files).Last();
    }

    /// <summary>The example's request JSON (-d '…'), or "{}".</summary>
    private static string DataOf(string line)
    {
        var m = Regex.Match(line, "-d '([^']*)'");
        return m.Success ? m.Groups[1].Value : "{}";
    }

    /// <summary>Encodes flat JSON of string fields with the descriptor (what grpcurl's JSON codec does for these messages).</summary>
    private static byte[] Encode(MessageDescriptor type, string json)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var property in JsonDocument.Parse(json).RootElement.EnumerateObject())
        {
            var field = type.FindFieldByName(property.Name) ?? type.Fields.InDeclarationOrder().Single(f => f.JsonName == property.Name);
            Assert.Equal(FieldType.String, field.FieldType);
            output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteString(property.Value.GetString());
        }
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>The name of the enum value in the response's status field.</summary>
    private static string DecodeStatus(MessageDescriptor type, byte[] reply)
    {
        var field = type.FindFieldByName("status");
        var input = new CodedInputStream(reply);
        var value = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field.FieldNumber) value = input.ReadEnum();
            else input.SkipLastField();
        }
        return field.EnumType.FindValueByNumber(value).Name;
    }


    [GeneratedRegex(@"grpcurl [^\n]*")]
    private static partial Regex GrpcurlLine();
}
