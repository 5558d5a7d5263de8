using Dongming.Domain;
using Orleans.Serialization;

namespace Dongming.Grains;

/// <summary>
/// The domain project carries no Orleans attributes (it is plain .NET); its types that travel between grains
/// are serialized by Orleans' System.Text.Json codec instead of generated code. Its exception is the exception:
/// System.Text.Json cannot write an exception (TargetSite, a MethodBase, is not serializable), so a
/// <see cref="DomainException"/> travels as <see cref="DomainErrorSurrogate"/> and arrives with its kind and
/// field violations intact.
/// </summary>
public static class DongmingSerialization
{
    public static ISerializerBuilder AddDongmingTypes(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(isSupported: type => type.Assembly == typeof(Period).Assembly && !typeof(Exception).IsAssignableFrom(type));
}

/// <summary>A <see cref="DomainException"/> on the wire: what the caller needs (its stack trace stays on the silo).</summary>
[GenerateSerializer, Immutable, Alias("Dongming.DomainError")]
public readonly record struct DomainErrorSurrogate(
    [property: Id(0)] int Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] string[] Fields,
    [property: Id(3)] string[] Descriptions);

/// <summary>Converts <see cref="DomainException"/> to and from <see cref="DomainErrorSurrogate"/>.</summary>
[RegisterConverter]
public sealed class DomainErrorConverter : IConverter<DomainException, DomainErrorSurrogate>
{
    public DomainException ConvertFromSurrogate(in DomainErrorSurrogate surrogate) =>
        new((ErrorKind)surrogate.Kind, surrogate.Message,
            [.. surrogate.Fields.Zip(surrogate.Descriptions, (field, description) => new FieldViolation(field, description))]);

    public DomainErrorSurrogate ConvertToSurrogate(in DomainException value) =>
        new((int)value.Kind, value.Message, [.. value.Violations.Select(v => v.Field)], [.. value.Violations.Select(v => v.Description)]);
}
