using Dongming.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dongming.Cli;

/// <summary>A command line the tool cannot act on (exit code 1).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// One command's connection and settings: the channel to <c>--server</c>, the bearer token, the township, how to print
/// and the deadline of each call.
/// </summary>
internal sealed class Session : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Metadata _headers = [];
    private readonly TimeSpan _timeout;
    private readonly bool _explicitTimeout;

    private Session(CliConsole console, Uri server, string? token, string township, OutputFormat format, TimeSpan timeout, bool explicitTimeout, CancellationToken cancellationToken)
    {
        _explicitTimeout = explicitTimeout;
        Console = console;
        Server = server;
        HasToken = token is not null;
        Township = township;
        Format = format;
        _timeout = timeout;
        CancellationToken = cancellationToken;
        if (token is not null) _headers.Add("authorization", "Bearer " + token);
        Uploads = new UploadProgressHandler(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        _channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            HttpHandler = Uploads,
            MaxReceiveMessageSize = 256 * 1024 * 1024, // exports and reviews come back whole
            MaxSendMessageSize = null,
        });
        var invoker = _channel.CreateCallInvoker();
        Villages = new VillageService.VillageServiceClient(invoker);
        Catalog = new CatalogService.CatalogServiceClient(invoker);
        Reporting = new ReportingService.ReportingServiceClient(invoker);
        Townships = new TownshipService.TownshipServiceClient(invoker);
        Cases = new CaseService.CaseServiceClient(invoker);
        Exchange = new ExchangeService.ExchangeServiceClient(invoker);
        Reports = new ReportService.ReportServiceClient(invoker);
    }

    public CliConsole Console { get; }
    public Uri Server { get; }
    public bool HasToken { get; }
    public string Township { get; }
    public OutputFormat Format { get; }
    public CancellationToken CancellationToken { get; }
    public UploadProgressHandler Uploads { get; }

    public VillageService.VillageServiceClient Villages { get; }
    public CatalogService.CatalogServiceClient Catalog { get; }
    public ReportingService.ReportingServiceClient Reporting { get; }
    public TownshipService.TownshipServiceClient Townships { get; }
    public CaseService.CaseServiceClient Cases { get; }
    public ExchangeService.ExchangeServiceClient Exchange { get; }
    public ReportService.ReportServiceClient Reports { get; }

    /// <summary>The options of one call: the token, the deadline (<c>--timeout</c>, else <paramref name="longDefault"/> or 60 s).</summary>
    public CallOptions Call(TimeSpan? longDefault = null) =>
        new(_headers, DateTime.UtcNow + (_explicitTimeout ? _timeout : longDefault ?? _timeout), CancellationToken);

    public void Show(IMessage answer, View view) => Render.Write(Console, Format, answer, view);

    public static Session Open(CliConsole console, GlobalOptions options, System.CommandLine.ParseResult result, CancellationToken cancellationToken)
    {
        var serverText = result.GetValue(options.Server) ?? CliApp.DefaultServer;
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            throw new UsageException($"--server {serverText}: not an http:// or https:// address (e.g. {CliApp.DefaultServer})");
        var token = Token(console, result.GetValue(options.Token), result.GetValue(options.TokenFile));
        var format = (result.GetValue(options.Output) ?? "table") switch
        {
            "json" => OutputFormat.Json,
            "csv" => OutputFormat.Csv,
            _ => OutputFormat.Table,
        };
        var seconds = result.GetValue(options.Timeout);
        if (seconds is <= 0 or > 86400) throw new UsageException("--timeout must be 1..86400 seconds");
        var township = result.GetValue(options.Township) ?? CliApp.DefaultTownship;
        return new Session(console, server, token, township, format, TimeSpan.FromSeconds(seconds ?? 60), seconds is not null, cancellationToken);
    }

    /// <summary>--token, else --token-file, else DONGMING_TOKEN, else DONGMING_TOKEN_FILE; none: calls go without one.</summary>
    private static string? Token(CliConsole console, string? token, string? tokenFile)
    {
        if (!string.IsNullOrWhiteSpace(token)) return token.Trim();
        tokenFile = string.IsNullOrWhiteSpace(tokenFile) ? null : tokenFile;
        if (tokenFile is null && console.Variable(CliApp.TokenVariable) is { } fromEnvironment) return fromEnvironment.Trim();
        tokenFile ??= console.Variable(CliApp.TokenFileVariable);
        if (tokenFile is null) return null;
        try
        {
            var text = File.ReadAllText(tokenFile).Trim();
            return text.Length == 0 ? throw new UsageException($"token file {tokenFile} is empty") : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the token file {tokenFile}: {e.Message}");
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        Uploads.Dispose();
    }
}
