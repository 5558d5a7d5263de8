using Dongming.Storage;

namespace Dongming.Server.Hosting;

/// <summary>
/// A <see cref="JournalException"/> on the wire between silos (the storage projects carry no Orleans attributes):
/// its fault and message, so the error interceptor of the silo that received the gRPC call maps it as if it had
/// been thrown there.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dongming.JournalError")]
public readonly record struct JournalErrorSurrogate(
    [property: Id(0)] int Fault,
    [property: Id(1)] string Message);

/// <summary>Converts <see cref="JournalException"/> to and from <see cref="JournalErrorSurrogate"/>.</summary>
[RegisterConverter]
public sealed class JournalErrorConverter : IConverter<JournalException, JournalErrorSurrogate>
{
    public JournalException ConvertFromSurrogate(in JournalErrorSurrogate surrogate) => new((JournalFault)surrogate.Fault, surrogate.Message);

    public JournalErrorSurrogate ConvertToSurrogate(in JournalException value) => new((int)value.Fault, value.Message);
}
