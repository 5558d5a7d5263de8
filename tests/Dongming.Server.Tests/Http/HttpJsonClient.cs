using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Dongming.Server.Tests.Http;

/// <summary>A curl-like client of the HTTP/JSON port: HTTP/1.1 exactly, an optional bearer token, JSON in and out.</summary>
public sealed class HttpJsonClient(string address, string? token) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = new Uri(address),
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>An answer: its status, protocol version and JSON body (null when the body is not JSON).</summary>
    public sealed record Answer(HttpStatusCode Status, Version Version, string Body, JsonElement? Json)
    {
        public JsonElement Root => Json ?? throw new InvalidOperationException($"not a JSON answer ({(int)Status}): {Body}");

        /// <summary>The google.rpc.Status code of an error body.</summary>
        public int Code => Root.GetProperty("code").GetInt32();

        /// <summary>The fields named by the BadRequest details of an error body.</summary>
        public IReadOnlyList<string> FieldViolations =>
        [
            .. Root.TryGetProperty("details", out var details)
                ? details.EnumerateArray()
                    .Where(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest")
                    .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray())
                    .Select(v => v.GetProperty("field").GetString()!)
                : [],
        ];
    }

    public Task<Answer> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<Answer> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public async Task<Answer> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            using var document = JsonDocument.Parse(text);
            json = document.RootElement.Clone();
        }
        return new Answer(response.StatusCode, response.Version, text, json);
    }

    public void Dispose() => _http.Dispose();
}
