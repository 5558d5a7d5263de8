using Spectre.Console;

namespace Dongming.Cli;

/// <summary>
/// Where the tool writes and what it reads from its surroundings: stdout, stderr, the environment and whether a
/// person watches (progress bars only then). The process uses <see cref="System"/>; tests pass writers and an
/// environment of their own and run <see cref="CliApp.RunAsync"/> in process.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? environment = null, int width = 200, bool interactive = false)
    {
        Output = output;
        Error = error;
        Environment = environment ?? new Dictionary<string, string>();
        Width = width;
        Interactive = interactive;
    }

    /// <summary>The answer: tables, JSON or CSV.</summary>
    public TextWriter Output { get; }

    /// <summary>Errors (one line each) and progress.</summary>
    public TextWriter Error { get; }

    /// <summary>The environment variables the tool reads (DONGMING_SERVER, DONGMING_TOKEN, …).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Columns a table may use.</summary>
    public int Width { get; }

    /// <summary>A person watches stderr in a terminal: progress is shown there.</summary>
    public bool Interactive { get; }

    /// <summary>The process's console: the terminal's width when stdout is one (else 200, for files and pipes).</summary>
    public static CliConsole System()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { CliApp.ServerVariable, CliApp.TokenVariable, CliApp.TokenFileVariable, CliApp.TownshipVariable })
        {
            if (global::System.Environment.GetEnvironmentVariable(key) is { } value) environment[key] = value;
        }
        var width = 200;
        if (!Console.IsOutputRedirected)
        {
            try { width = Math.Max(40, Console.WindowWidth); }
            catch (IOException) { }
        }
        return new CliConsole(Console.Out, Console.Error, environment, width, interactive: !Console.IsErrorRedirected);
    }

    public string? Variable(string name) => Environment.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;

    /// <summary>A Spectre console writing to <paramref name="writer"/>, colours only for a person.</summary>
    internal IAnsiConsole Ansi(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = Width;
        return console;
    }
}
