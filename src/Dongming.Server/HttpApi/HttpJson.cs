using System.ComponentModel.DataAnnotations;
using System.Net;
using Dongming.Server.Hosting;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.OpenApi.Models;

namespace Dongming.Server.HttpApi;

/// <summary>The HTTP/JSON port (section <c>Dongming:Http</c>).</summary>
public sealed class HttpApiOptions
{
    public const string Section = "Dongming:Http";

    /// <summary>
    /// Port of the HTTP/JSON routes and their OpenAPI document (HTTP/1.1, cleartext); 0 turns it off. All interfaces in
    /// cluster mode, loopback in embedded mode unless <see cref="AllowRemote"/>.
    /// </summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5081;

    /// <summary>Listen on all interfaces in embedded mode too (e.g. for spreadsheets on the clerks' machines).</summary>
    public bool AllowRemote { get; set; }
}

/// <summary>
/// HTTP/JSON for tools that do not speak gRPC (curl, spreadsheets' web queries, BI tools): the <c>google.api.http</c>
/// routes of the protos, transcoded by <c>Microsoft.AspNetCore.Grpc.JsonTranscoding</c> into calls of the same gRPC
/// services — through the same interceptors, so the same bearer tokens, access policy, rate limit and error model
/// apply — and an OpenAPI document of them at <see cref="DocumentPath"/>. They are served on their own port
/// (<see cref="HttpApiOptions.Port"/>) because the gRPC port speaks HTTP/2 only (cleartext h2c), which HTTP/1.1
/// clients cannot reach; like the side ports (<see cref="SidePorts"/>), the routes answer on that port only.
/// </summary>
public static class HttpJson
{
    /// <summary>Where the OpenAPI document is served (on the HTTP/JSON port).</summary>
    public const string DocumentPath = "/openapi/v1.json";

    private const string DocumentName = "v1";

    /// <summary>Error bodies with every field, as the transcoder writes its own (<c>"details": []</c> included).</summary>
    private static readonly Google.Protobuf.JsonFormatter StatusFormatter = new(Google.Protobuf.JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static HttpApiOptions Read(IConfiguration configuration) =>
        configuration.GetSection(HttpApiOptions.Section).Get<HttpApiOptions>() ?? new HttpApiOptions();

    /// <summary>The port in use (0 = off; out of range counts as off here, and fails the start in the options' validation).</summary>
    public static int Port(IConfiguration configuration) => Read(configuration).Port is var port and > 0 and <= 65535 ? port : 0;

    /// <summary>The address the port listens on.</summary>
    public static IPAddress Address(IConfiguration configuration, bool cluster) =>
        cluster || Read(configuration).AllowRemote ? IPAddress.Any : IPAddress.Loopback;

    /// <summary>True for an endpoint of a transcoded route (it answers on the HTTP/JSON port only).</summary>
    public static bool IsJsonRoute(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;

    public static WebApplicationBuilder AddDongmingHttpJson(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpApiOptions>().Bind(builder.Configuration.GetSection(HttpApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        if (Port(builder.Configuration) == 0) return builder;
        builder.Services.AddGrpc().AddJsonTranscoding(o =>
        {
            // Error bodies are google.rpc.Status: its details (field violations) are Any, written with their type.
            o.TypeRegistry = TypeRegistry.FromMessages(Google.Rpc.BadRequest.Descriptor, Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.PreconditionFailure.Descriptor);
        });
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Dongming HTTP/JSON",
                Version = DocumentName,
                Description = "The google.api.http routes of dongming.v1, transcoded to the gRPC services: the same bearer tokens, " +
                    "access policy and errors (a google.rpc.Status body: code, message, details with the field violations). " +
                    "Figures are exact decimal strings.",
            });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A Dongming token (Dongming.Server token issue, or admin.token in the data directory).",
            });
            o.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" } }] = [],
            });
            o.DocInclusionPredicate((_, api) => api.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true);
            var comments = Path.Combine(AppContext.BaseDirectory, "Dongming.Contracts.xml");
            if (File.Exists(comments)) o.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
        });
        return builder;
    }

    /// <summary>Maps the OpenAPI document on the HTTP/JSON port (the routes come with the gRPC services).</summary>
    public static WebApplication MapDongmingHttpJson(this WebApplication app)
    {
        var port = Port(app.Configuration);
        if (port == 0) return app;
        // The schema is documentation of the protos (in the repository): readable without a token, like the protos.
        app.MapSwagger("/openapi/{documentName}.json").WithMetadata(new SidePorts.SidePort(port)).AllowAnonymous();
        app.Use(RewriteUnreadableRequests);
        return app;
    }

    /// <summary>
    /// A request whose body is not JSON of the method's request message, or whose path or query parameter does not
    /// parse as its field's type, is refused by the transcoder before any interceptor runs, answered 400 with the
    /// parser's exception text. It stays 400 INVALID_ARGUMENT, with a caller-safe message instead. Only calls the
    /// access interceptor never saw are rewritten: every refusal after it keeps its status, message and details.
    /// </summary>
    private static async Task RewriteUnreadableRequests(HttpContext context, RequestDelegate next)
    {
        if (!IsJsonRoute(context.GetEndpoint()))
        {
            await next(context);
            return;
        }
        var response = context.Response;
        var original = response.Body;
        await using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }
        if (response.StatusCode == StatusCodes.Status400BadRequest && !Security.AccessInterceptor.WasAdmitted(context))
        {
            var json = context.Request.ContentLength is > 0 && context.Request.HasJsonContentType() is false
                ? "send the body as JSON (Content-Type: application/json)"
                : "the request does not fit the method: the body must be JSON of its request message, path and query parameters of their fields' types (see " + DocumentPath + ")";
            var status = new Google.Rpc.Status { Code = (int)Grpc.Core.StatusCode.InvalidArgument, Message = json };
            var body = System.Text.Encoding.UTF8.GetBytes(StatusFormatter.Format(status));
            response.ContentLength = body.Length;
            response.ContentType = "application/json; charset=utf-8";
            await original.WriteAsync(body, context.RequestAborted);
            return;
        }
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
