namespace Dongming.Storage;

/// <summary>What went wrong with the journal, in the terms a caller can act on (not the backend's).</summary>
public enum JournalFault
{
    /// <summary>The journal cannot be reached or answered with a transient error (lock, I/O, connection): retry.</summary>
    Unavailable,

    /// <summary>The journal's storage is full: nothing was written; writes succeed again once space is freed.</summary>
    Full,

    /// <summary>The journal's records are damaged (page corruption): restore from a backup.</summary>
    Corrupt,

    /// <summary>A journal expected to hold data is missing or empty (e.g. the file was wiped): refuse to start.</summary>
    Missing,
}

/// <summary>
/// A journal failure of any backend. Backends translate their own errors (SQLite result codes, PostgreSQL SQL
/// states) into it, so the host maps storage failures to status codes without knowing the backend.
/// </summary>
public sealed class JournalException : Exception
{
    public JournalException(JournalFault fault, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Fault = fault;
    }

    public JournalFault Fault { get; }

    /// <summary>The fault of the first <see cref="JournalException"/> in <paramref name="exception"/> or its inner exceptions.</summary>
    public static JournalException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JournalException journal)
            {
                return journal;
            }

            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(j => j is not null);
            }
        }

        return null;
    }
}

/// <summary>
/// What the backend has seen of its storage, for readiness: the fault of the last failed commit (cleared by the
/// next commit that succeeds) and any corruption seen (kept until restart: damaged pages do not heal).
/// </summary>
public sealed class JournalHealth
{
    private volatile JournalException? _writeFault;
    private volatile JournalException? _corruption;

    /// <summary>The fault of the last commit when it failed, else null.</summary>
    public JournalFault? WriteFault => _writeFault?.Fault;

    /// <summary>True once a read or write met damaged records.</summary>
    public bool CorruptionSeen => _corruption is not null;

    /// <summary>A short reason when the journal is not healthy, else null.</summary>
    public string? Problem => _corruption is not null ? "journal corrupted: " + _corruption.Message
        : _writeFault is { } w ? (w.Fault == JournalFault.Full ? "journal storage full: " : "journal writes failing: ") + w.Message
        : null;

    /// <summary>Records a commit that succeeded: writes work (again).</summary>
    public void CommitSucceeded() => _writeFault = null;

    /// <summary>Records a failed commit.</summary>
    public void CommitFailed(JournalException fault)
    {
        _writeFault = fault;
        Observe(fault);
    }

    /// <summary>Records a fault met by any operation (only corruption is kept).</summary>
    public void Observe(JournalException fault)
    {
        if (fault.Fault == JournalFault.Corrupt)
        {
            _corruption ??= fault;
        }
    }
}
