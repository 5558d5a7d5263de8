using System.Globalization;
using System.Net;

namespace Dongming.Benchmark;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public const string Usage = """
        Dongming load benchmark (runs against an already running server).

          dotnet run -c Release --project bench/Dongming.Benchmark -- --target http://localhost:5080 [options]

        Options:
          --target <url>      Server address (default http://localhost:5080). Must be loopback unless --allow-remote.
          --seconds <n>       Measuring window per case, 1..600 (default 10).
          --warmup <n>        Warm-up per case in seconds, 0..60 (default 2).
          --token <bearer>    Sends "authorization: Bearer <token>" on every call (default: env DONGMING_TOKEN).
          --period <p>        Period written by ReportValues and read in (d) (default 2099-12; never use 2023).
          --villages <n>      Also run (d): GetTotals with 33 vs n registered villages in a fresh township (e.g. 10000).
          --only <cases>      Run only these of a, b, c (e.g. "b"), for profiling one case; ratios need a.
                              "rollup" (or e) runs (e): GetTotals of a rolled-up year vs a directly entered year
                              (and ReportValues into a quarter vs a year), e.g. --only rollup or --only abce.
          --callers <list>    Concurrent callers, comma-separated (default 1,64), e.g. 1,64,256.
          --bare <url>        Also measure the bare grpc-dotnet server (bench/Dongming.Bench.Bare) at this address,
                              interleaved with the others, and print the no-op / bare ratio.
          --rounds <n>        Repeat every case n times, interleaved (default 1); ratios are given as the median
                              and the range over the rounds.
          --server-pid <pid>  Process id of the (local) server: its CPU time per call is reported (from /proc).
          --bare-pid <pid>    The same for the bare server.
          --watchers <n>      Also run (w): ReportValues with n WatchTotals streams open on the written period, against
                              none (one token: raise the server's Dongming:Watch:MaxStreamsPerCaller above 16 for more).
          --banner <TxV>      Also run (g): a fresh banner of T townships of V villages each (e.g. 20x30);
                              GetBannerTotals of it against GetTotals of one of its townships.
          --write-villages <list>  Also run (f): ReportValues into a fresh township of n villages for each n, e.g. 33,330,3300.
          --settle <n>        Before the first round, run every case for n seconds at the highest caller count, not
                              recorded: a fresh server JIT-compiles for its first 15-20 s (default 0).
          --wait <n>          Wait up to n seconds for the server(s) to answer the health check (default 0).
          --allow-remote      Allow a non-loopback --target (the benchmark writes data).
          --help              This text.
        """;

    public Uri Target { get; private set; } = new("http://localhost:5080");
    public int Seconds { get; private set; } = 10;
    public int WarmupSeconds { get; private set; } = 2;
    public string? Token { get; private set; }
    public string Period { get; private set; } = "2099-12";
    public int? Villages { get; private set; }
    public bool AllowRemote { get; private set; }
    public string Only { get; private set; } = "abc";
    public int[]? Callers { get; private set; }
    public Uri? Bare { get; private set; }
    public int Rounds { get; private set; } = 1;
    public int WaitSeconds { get; private set; }
    public int SettleSeconds { get; private set; }
    public int[]? WriteVillages { get; private set; }

    /// <summary>(w): WatchTotals streams held open while ReportValues is measured (null = not run).</summary>
    public int? Watchers { get; private set; }

    public (int Townships, int Villages)? Banner { get; private set; }
    public int? ServerPid { get; private set; }
    public int? BarePid { get; private set; }

    /// <summary>(e) runs only when asked for: <c>--only rollup</c> (or an "e" among the letters).</summary>
    public bool RollUp => Only.Contains("rollup", StringComparison.Ordinal) || Only.Contains('e', StringComparison.Ordinal);
    public bool Help { get; private set; }

    /// <summary>Parses the arguments; returns null and writes the reason on error.</summary>
    public static Options? Parse(string[] args, TextWriter error)
    {
        var o = new Options { Token = Environment.GetEnvironmentVariable("DONGMING_TOKEN") };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{name} needs a value");
                }
                return args[++i];
            }

            try
            {
                switch (name)
                {
                    case "--target":
                        o.Target = Url(name, Value());
                        break;
                    case "--bare":
                        o.Bare = Url(name, Value());
                        break;
                    case "--rounds":
                        o.Rounds = Int(name, Value(), 1, 100);
                        break;
                    case "--watchers":
                        o.Watchers = Int(name, Value(), 1, 100_000);
                        break;
                    case "--write-villages":
                        o.WriteVillages = [.. Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => Int(name, c, 1, 100_000))];
                        if (o.WriteVillages.Length == 0)
                        {
                            throw new FormatException($"{name} needs at least one number");
                        }
                        break;
                    case "--banner":
                        var shape = Value().Split('x', StringSplitOptions.TrimEntries);
                        if (shape.Length != 2) throw new FormatException($"{name} must be TOWNSHIPSxVILLAGES, e.g. 20x30");
                        o.Banner = (Int(name, shape[0], 1, 1000), Int(name, shape[1], 1, 10_000));
                        break;
                    case "--settle":
                        o.SettleSeconds = Int(name, Value(), 0, 600);
                        break;
                    case "--server-pid":
                        o.ServerPid = Int(name, Value(), 1, int.MaxValue);
                        break;
                    case "--bare-pid":
                        o.BarePid = Int(name, Value(), 1, int.MaxValue);
                        break;
                    case "--wait":
                        o.WaitSeconds = Int(name, Value(), 0, 3600);
                        break;
                    case "--seconds":
                        o.Seconds = Int(name, Value(), 1, 600);
                        break;
                    case "--warmup":
                        o.WarmupSeconds = Int(name, Value(), 0, 60);
                        break;
                    case "--token":
                        o.Token = Value();
                        break;
                    case "--period":
                        o.Period = Value();
                        break;
                    case "--villages":
                        o.Villages = Int(name, Value(), Program.BaseVillages + 1, 100_000);
                        break;
                    case "--only":
                        o.Only = Value();
                        break;
                    case "--callers":
                        var list = Value();
                        o.Callers = [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => Int(name, c, 1, 1024)).Distinct()];
                        if (o.Callers.Length == 0)
                        {
                            throw new FormatException($"{name} needs at least one number");
                        }
                        break;
                    case "--allow-remote":
                        o.AllowRemote = true;
                        break;
                    case "--help" or "-h":
                        o.Help = true;
                        break;
                    default:
                        throw new FormatException($"unknown argument '{name}'");
                }
            }
            catch (FormatException e)
            {
                error.WriteLine(e.Message);
                return null;
            }
        }

        if (string.IsNullOrWhiteSpace(o.Token))
        {
            o.Token = null;
        }
        if (o.Period == "2023")
        {
            error.WriteLine("--period 2023 would change the demo figures; use another period (e.g. 2099-12).");
            return null;
        }
        if (!o.AllowRemote && o.Bare is { } bare && !IsLoopback(bare))
        {
            error.WriteLine($"--bare {bare} is not loopback. Pass --allow-remote to run it anyway.");
            return null;
        }
        if (!o.AllowRemote && !IsLoopback(o.Target))
        {
            error.WriteLine($"--target {o.Target} is not loopback; the benchmark writes data. Pass --allow-remote to run it anyway.");
            return null;
        }
        return o;
    }

    private static Uri Url(string name, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"{name} must be an absolute http(s) URL, not '{value}'");
        }
        return uri;
    }

    private static int Int(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new FormatException($"{name} must be a whole number in {min}..{max}, not '{value}'");
        }
        return n;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
