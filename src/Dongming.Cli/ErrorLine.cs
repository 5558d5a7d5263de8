using System.Text;
using Google.Rpc;
using Grpc.Core;

namespace Dongming.Cli;

/// <summary>A gRPC error as one readable line: the status, the message and every field of its google.rpc.BadRequest.</summary>
public static class ErrorLine
{
    /// <summary>E.g. <c>INVALID_ARGUMENT: values[2].value: must be a whole number; period: not a period</c>.</summary>
    public static string Format(RpcException e)
    {
        var code = CodeName(e.StatusCode);
        var message = OneLine(e.Status.Detail);
        var violations = Violations(e);
        if (violations.Count == 0) return string.IsNullOrEmpty(message) ? code : $"{code}: {message}";
        var fields = string.Join("; ", violations.Select(v => $"{v.Field}: {OneLine(v.Description)}"));
        // The service's message already is the field list (or its first five): say it once, fully.
        var redundant = message.Length == 0 || message.StartsWith(violations[0].Field + ":", StringComparison.Ordinal)
            || message.Contains(" invalid fields: ", StringComparison.Ordinal);
        return redundant ? $"{code}: {fields}" : $"{code}: {message} — {fields}";
    }

    /// <summary>The canonical name of a status code (InvalidArgument → INVALID_ARGUMENT).</summary>
    public static string CodeName(StatusCode code)
    {
        var name = code.ToString();
        if (code == StatusCode.OK) return "OK";
        var b = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) b.Append('_');
            b.Append(char.ToUpperInvariant(name[i]));
        }
        return b.ToString();
    }

    private static List<BadRequest.Types.FieldViolation> Violations(RpcException e)
    {
        try
        {
            return e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return []; // damaged details: the message alone
        }
    }

    /// <summary>Line breaks and runs of spaces as one space: an error is one line whatever the server sent.</summary>
    internal static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var b = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = b.Length > 0;
                continue;
            }
            if (space) b.Append(' ');
            space = false;
            b.Append(c);
        }
        return b.ToString();
    }
}
