using System.CommandLine;
using System.CommandLine.Help;
using Dongming.Cli.Commands;
using Grpc.Core;

namespace Dongming.Cli;

/// <summary>The options every command takes (given before or after the command's name).</summary>
internal sealed class GlobalOptions
{
    public GlobalOptions(CliConsole console)
    {
        Server = new Option<string>("--server")
        {
            Description = $"the service's gRPC address (env {CliApp.ServerVariable})",
            HelpName = "URL",
            Recursive = true,
            DefaultValueFactory = _ => console.Variable(CliApp.ServerVariable) ?? CliApp.DefaultServer,
        };
        Token = new Option<string?>("--token") { Description = $"bearer token (env {CliApp.TokenVariable})", Recursive = true };
        TokenFile = new Option<string?>("--token-file")
        {
            Description = $"file holding the bearer token, e.g. data/admin.token (env {CliApp.TokenFileVariable})",
            HelpName = "FILE",
            Recursive = true,
        };
        Township = new Option<string>("--township")
        {
            Description = $"the township (env {CliApp.TownshipVariable})",
            HelpName = "ID",
            Recursive = true,
            DefaultValueFactory = _ => console.Variable(CliApp.TownshipVariable) ?? CliApp.DefaultTownship,
        };
        Output = new Option<string>("--output")
        {
            Description = "table (for people), json (the answer's proto JSON) or csv (the rows of the table)",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        Output.AcceptOnlyFromAmong("table", "json", "csv");
        Timeout = new Option<int?>("--timeout") { Description = "deadline of each call in seconds (default 60; imports, exports and reviews 600)", HelpName = "SECONDS", Recursive = true };
    }

    public Option<string> Server { get; }
    public Option<string?> Token { get; }
    public Option<string?> TokenFile { get; }
    public Option<string> Township { get; }
    public Option<string> Output { get; }
    public Option<int?> Timeout { get; }

    public IEnumerable<Option> All => [Server, Token, TokenFile, Township, Output, Timeout];
}

/// <summary>
/// The <c>dongming</c> tool: System.CommandLine parses, each command makes its gRPC calls and prints one answer. Every
/// gRPC error is one line on stderr and an exit code of <see cref="ExitCodes"/>.
/// </summary>
public static class CliApp
{
    public const string DefaultServer = "http://localhost:5080";
    public const string DefaultTownship = "dongming";
    public const string ServerVariable = "DONGMING_SERVER";
    public const string TokenVariable = "DONGMING_TOKEN";
    public const string TokenFileVariable = "DONGMING_TOKEN_FILE";
    public const string TownshipVariable = "DONGMING_TOWNSHIP";

    /// <summary>Runs one command line; the exit code of <see cref="ExitCodes"/>.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var app = new Builder(console);
        var root = app.Root();
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Output, Error = console.Error }, cancellationToken);
    }

    /// <summary>Builds the command tree and runs actions inside a <see cref="Session"/>.</summary>
    internal sealed class Builder(CliConsole console)
    {
        public CliConsole Console { get; } = console;
        public GlobalOptions Options { get; } = new(console);

        public RootCommand Root()
        {
            var root = new RootCommand("""
                The Dongming township service from the command line: villages and indicators, a village's figures and
                its reports, the township's totals, remediation cases, spreadsheet imports and exports, the yearly review.
                Exit codes: 0 ok, 1 usage, 2 rejected input (INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, …),
                3 not found, 4 unauthenticated or permission denied, 5 unavailable or busy (retry),
                6 the imported file has errors (nothing applied), 7 server error or call not offered.
                """);
            foreach (var option in Options.All) root.Add(option);
            ReadCommands.Add(root, this);
            WriteCommands.Add(root, this);
            ExchangeCommands.Add(root, this);
            Example(root,
                "export DONGMING_TOKEN_FILE=data/admin.token",
                "dongming villages",
                "dongming values datai 2023",
                "dongming totals 2023 --output json");
            var help = root.Options.OfType<HelpOption>().First();
            if (help.Action is HelpAction standard) help.Action = new HelpWithExamples(standard, Examples);
            return root;
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, string[]> Examples = [];

        /// <summary>Examples for the command's help (after the options).</summary>
        public static void Example(Command command, params string[] lines) => Examples.AddOrUpdate(command, lines);

        /// <summary>The command's action: a session, the body, one line and an exit code for any failure.</summary>
        public void Action(Command command, Func<Session, ParseResult, Task<int>> body)
        {
            command.SetAction(async (result, cancellationToken) =>
            {
                Session? session = null;
                try
                {
                    session = Session.Open(Console, Options, result, cancellationToken);
                    return await body(session, result);
                }
                catch (UsageException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    return ExitCodes.Usage;
                }
                catch (RpcException e)
                {
                    var line = ErrorLine.Format(e);
                    if (e.StatusCode == StatusCode.Unauthenticated && session is { HasToken: false })
                        line += $" (no token given: --token, --token-file, {TokenVariable} or {TokenFileVariable})";
                    if (e.StatusCode == StatusCode.Unavailable && session is not null && e.Status.DebugException is not null)
                        line = $"UNAVAILABLE: cannot reach {session.Server}: {ErrorLine.OneLine(e.Status.DebugException.Message)}";
                    await Console.Error.WriteLineAsync(line);
                    return ExitCodes.For(e.StatusCode);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync(ErrorLine.OneLine(e.Message));
                    return ExitCodes.Usage;
                }
                finally
                {
                    session?.Dispose();
                }
            });
        }
    }

    /// <summary>The standard help, then the command's examples.</summary>
    private sealed class HelpWithExamples(HelpAction standard, System.Runtime.CompilerServices.ConditionalWeakTable<Command, string[]> examples)
        : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var line in lines) output.WriteLine("  " + line);
                output.WriteLine();
            }
            return code;
        }
    }
}
