using Dongming.Domain;
using Dongming.Storage;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Dongming.Server.Hosting;

/// <summary>
/// The one place exceptions become status codes. Domain refusals carry caller-safe messages (and field
/// violations as google.rpc.BadRequest); journal failures (<see cref="JournalException"/>, whatever the backend)
/// are UNAVAILABLE when retrying can succeed (storage full or unreachable: nothing was written) and DATA_LOSS for
/// damaged records; anything else is a server fault: logged, and answered with a generic message so no exception
/// text reaches the wire.
/// </summary>
public sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    /// <summary>Pauses before retrying a call that met a silo leaving or gone (membership needs a moment to settle).</summary>
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1)];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // A call that completed already (the health check) costs no state machine here.
        Task<TResponse> first;
        try
        {
            first = continuation(request, context);
        }
        catch (Exception e)
        {
            first = Task.FromException<TResponse>(e);
        }
        return first.IsCompletedSuccessfully ? first : AwaitUnary(first, request, context, continuation);
    }

    private async Task<TResponse> AwaitUnary<TRequest, TResponse>(Task<TResponse> first, TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await (attempt == 0 ? first : continuation(request, context));
            }
            catch (Exception e) when (IsSiloGone(e) && attempt < RetryDelays.Length && !context.CancellationToken.IsCancellationRequested)
            {
                // A grain call met a silo that is stopping or died. Every unary RPC is safe to repeat — reads change
                // nothing and every write carries a request id that applies once — so the call is retried here
                // (the grain reactivates elsewhere) instead of failing a rolling upgrade's clients.
                logger.LogInformation("Retrying {Method} after {Error}", context.Method, e.GetType().Name);
                await Task.Delay(RetryDelays[attempt], context.CancellationToken);
            }
            catch (Exception e) when (e is not RpcException)
            {
                throw Map(e, context);
            }
        }
    }

    private static bool IsSiloGone(Exception e) => e is Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException;

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case DomainException d:
                return ToRpc(d);
            case OperationCanceledException or TaskCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Grpc.Core.Status(context.Deadline < DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, "the call was cancelled"));
            case TimeoutException:
                logger.LogWarning(e, "Timeout in {Method}", context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the service did not answer in time; retry with the same request_id"));
            case Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException:
                logger.LogWarning(e, "Cluster unavailable in {Method}", context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "part of the cluster is unavailable; retry with the same request_id"));
            case var _ when JournalException.Find(e) is { } journal:
                return ToRpc(journal, context);
            case OutOfMemoryException:
                // The silo is at its memory limit (a container's, or DOTNET_GCHeapHardLimit): idle grains are being
                // shed; the same call may pass in a moment.
                logger.LogError(e, "Out of memory in {Method}", context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.ResourceExhausted, "the server is out of memory: retry with the same request_id"));
            default:
                logger.LogError(e, "Unhandled error in {Method}", context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.Internal, "internal error"));
        }
    }

    private RpcException ToRpc(JournalException journal, ServerCallContext context)
    {
        switch (journal.Fault)
        {
            case JournalFault.Corrupt:
                logger.LogError(journal, "Damaged journal records met in {Method}", context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.DataLoss, "the journal's records for this request are damaged; an operator must restore the journal from a backup"));
            case JournalFault.Full:
                logger.LogWarning("Journal full in {Method}: {Reason}", context.Method, journal.Message);
                return new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the journal's storage is full: nothing was written; retry with the same request_id once space is freed"));
            default:
                logger.LogWarning(journal, "Journal unavailable in {Method}", context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the journal is unavailable: retry with the same request_id"));
        }
    }

    /// <summary>A domain refusal as a gRPC status with google.rpc details.</summary>
    public static RpcException ToRpc(DomainException d)
    {
        var code = d.Kind switch
        {
            ErrorKind.InvalidArgument => Code.InvalidArgument,
            ErrorKind.NotFound => Code.NotFound,
            ErrorKind.FailedPrecondition => Code.FailedPrecondition,
            ErrorKind.Aborted => Code.Aborted,
            ErrorKind.AlreadyExists => Code.AlreadyExists,
            ErrorKind.PermissionDenied => Code.PermissionDenied,
            _ => Code.FailedPrecondition,
        };
        var status = new Google.Rpc.Status { Code = (int)code, Message = d.Message };
        if (d.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(d.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }
        return status.ToRpcException();
    }
}
