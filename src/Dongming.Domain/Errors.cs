namespace Dongming.Domain;

/// <summary>What went wrong, in the terms of the API's status codes (the host maps them 1:1).</summary>
public enum ErrorKind
{
    /// <summary>The request itself is malformed (field violations say where).</summary>
    InvalidArgument,
    /// <summary>Something named by the request does not exist.</summary>
    NotFound,
    /// <summary>The request is well-formed but the system is not in a state that allows it.</summary>
    FailedPrecondition,
    /// <summary>A concurrent change won (stale expected version); read again and retry.</summary>
    Aborted,
    /// <summary>The thing to create exists already with a different definition.</summary>
    AlreadyExists,
    /// <summary>The caller may not do this.</summary>
    PermissionDenied,
}

/// <summary>One field of a request that is wrong, and why (google.rpc.BadRequest.FieldViolation).</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A rule of the domain refused a request. Its message is written for the caller and safe to send;
/// anything else thrown is a fault of the server and never reaches the wire as text.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(ErrorKind kind, string message, IReadOnlyList<FieldViolation>? violations = null)
        : base(message)
    {
        Kind = kind;
        Violations = violations ?? [];
    }

    /// <summary>The kind of error.</summary>
    public ErrorKind Kind { get; }

    /// <summary>Field violations (InvalidArgument only).</summary>
    public IReadOnlyList<FieldViolation> Violations { get; }

    public static DomainException Invalid(string field, string description) =>
        new(ErrorKind.InvalidArgument, $"{field}: {description}", [new FieldViolation(field, description)]);

    public static DomainException NotFound(string message) => new(ErrorKind.NotFound, message);

    public static DomainException Precondition(string message) => new(ErrorKind.FailedPrecondition, message);

    public static DomainException Aborted(string message) => new(ErrorKind.Aborted, message);
}

/// <summary>
/// Collects every field violation of a request so the caller learns all of them at once — malformed fields and
/// references to things that do not exist (an unknown indicator code) alike.
/// </summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];
    private int _unknown;

    public bool Any => _items.Count > 0;

    public IReadOnlyList<FieldViolation> Items => _items;

    public void Add(string field, string description) => _items.Add(new FieldViolation(field, description));

    /// <summary>A field that names something that does not exist (NOT_FOUND when it is the only kind of problem).</summary>
    public void AddUnknown(string field, string description)
    {
        _items.Add(new FieldViolation(field, description));
        _unknown++;
    }

    /// <summary>
    /// Throws with every violation collected, if any: NOT_FOUND when every one names something unknown, else
    /// INVALID_ARGUMENT. Either way the field violations travel with it (google.rpc.BadRequest).
    /// </summary>
    public void ThrowIfAny()
    {
        if (_items.Count == 0) return;
        var summary = _items.Count == 1
            ? $"{_items[0].Field}: {_items[0].Description}"
            : $"{_items.Count} invalid fields: {string.Join("; ", _items.Take(5).Select(v => $"{v.Field}: {v.Description}"))}";
        throw new DomainException(_unknown == _items.Count ? ErrorKind.NotFound : ErrorKind.InvalidArgument, summary, [.. _items]);
    }
}
