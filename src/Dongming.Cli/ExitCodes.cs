using Grpc.Core;

namespace Dongming.Cli;

/// <summary>
/// The exit codes scripts can rely on (README, "The dongming tool"). One per kind of outcome, not per status code:
/// a script retries on 5, fixes its input on 2 and 6, and stops on the rest.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>The command line is wrong (unknown option, missing argument, unreadable local file).</summary>
    public const int Usage = 1;
    /// <summary>The server refused the input: INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS, ABORTED.</summary>
    public const int Rejected = 2;
    /// <summary>NOT_FOUND: an unknown village, indicator, township, case or import.</summary>
    public const int NotFound = 3;
    /// <summary>UNAUTHENTICATED (no, expired or wrong token) or PERMISSION_DENIED (the token's role or scope).</summary>
    public const int Access = 4;
    /// <summary>UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED: try again later (writes carry request ids).</summary>
    public const int Unavailable = 5;
    /// <summary>An import found errors in the file (dry run or not): nothing was applied.</summary>
    public const int FileHasErrors = 6;
    /// <summary>The server failed or does not offer the call: INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED.</summary>
    public const int ServerError = 7;

    public static int For(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange or StatusCode.AlreadyExists or StatusCode.Aborted => Rejected,
        StatusCode.NotFound => NotFound,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => Access,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Cancelled => Unavailable,
        _ => ServerError,
    };
}
