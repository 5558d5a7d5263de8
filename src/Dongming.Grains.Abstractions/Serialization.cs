using Dongming.Domain;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Dongming.Grains.Abstractions;

/// <summary>
/// The domain project carries no Orleans attributes (it is plain .NET); nor does the quality library built on it
/// (src/Dongming.Quality: rules, data sets, completeness, outliers), whose records travel the same way, and the reports
/// library's (src/Dongming.Reports: a review's input and the rendered review). Their records cross grain calls as they are:
/// between silos they travel as JSON (Orleans' System.Text.Json codec); inside a silo they are shared, not copied
/// (<see cref="DomainRecordCopier"/>), because they are immutable — positional records whose collections nobody
/// changes after sending. The mutable domain classes (LedgerState, TownshipAggregate, OrgUnitPart, LedgerEffect)
/// never cross a grain call. A <see cref="DomainException"/> travels as <see cref="DomainErrorSurrogate"/> (an
/// exception cannot be written as JSON) and arrives with its kind and field violations intact.
/// </summary>
public static class DongmingSerialization
{
    private static bool IsDomainRecord(Type type) =>
        (type.Assembly == typeof(Period).Assembly || type.Assembly == typeof(Quality.ValidationRule).Assembly
            || type.Assembly == typeof(Reports.RenderedReview).Assembly) && !typeof(Exception).IsAssignableFrom(type);

    public static ISerializerBuilder AddDongmingTypes(this ISerializerBuilder builder)
    {
        builder.Services.AddSingleton<IGeneralizedCopier, DomainRecordCopier>();
        return builder.AddJsonSerializer(isSerializable: IsDomainRecord, isCopyable: _ => false);
    }

    /// <summary>Shares domain records inside a silo instead of copying them (see <see cref="DongmingSerialization"/>).</summary>
    public sealed class DomainRecordCopier : IGeneralizedCopier
    {
        public object? DeepCopy(object? input, CopyContext context) => input;

        public bool IsSupportedType(Type type) => IsDomainRecord(type);
    }
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
