using Dongming.Domain;
using Orleans.Serialization;

namespace Dongming.Grains;

/// <summary>
/// The domain project carries no Orleans attributes (it is plain .NET); its types that travel between grains
/// are serialized by Orleans' System.Text.Json codec instead of generated code.
/// </summary>
public static class DongmingSerialization
{
    public static ISerializerBuilder AddDongmingTypes(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(isSupported: type => type.Assembly == typeof(Period).Assembly);
}
