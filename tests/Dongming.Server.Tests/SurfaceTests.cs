using Grpc.Health.V1;
using Grpc.Reflection.V1;

namespace Dongming.Server.Tests;

/// <summary>What an admin with grpcurl sees: reflection (v1 and v1alpha) lists the services; health answers.</summary>
public sealed class SurfaceTests(DemoServerFixture fixture)
{
    [Fact]
    public async Task Reflection_ListsTheFiveServicesHealthAndReflection()
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Server.Channel);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToHashSet();
        foreach (var name in new[]
        {
            "dongming.v1.VillageService", "dongming.v1.CatalogService", "dongming.v1.ReportingService",
            "dongming.v1.TownshipService", "dongming.v1.CaseService", "grpc.health.v1.Health",
        })
            Assert.Contains(name, services);

        var alpha = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(fixture.Server.Channel);
        using var alphaCall = alpha.ServerReflectionInfo();
        await alphaCall.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { FileContainingSymbol = "dongming.v1.ReportingService" });
        await alphaCall.RequestStream.CompleteAsync();
        Assert.True(await alphaCall.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotEmpty(alphaCall.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);
    }

    [Theory]
    [InlineData("")]
    [InlineData("liveness")]
    [InlineData("readiness")]
    public async Task Health_Services_AreServing(string service)
    {
        var reply = await new Health.HealthClient(fixture.Server.Channel).CheckAsync(new HealthCheckRequest { Service = service });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
