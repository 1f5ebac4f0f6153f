using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Callers;

namespace Platform.ServiceDefaults.Tests;

public sealed class CallerVerificationTests : IAsyncLifetime
{
    private const string Key = "a-key-of-at-least-thirty-two-characters-0123456789";
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:InternalAuth:Key"] = Key });
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGet("/api/things", (string? workspaceId, HttpContext http) =>
            TypedResults.Ok(new { workspaceId, who = http.Request.Headers["X-Operator"].ToString() }));
        _app.MapGet("/api/things/{id}", (string id) => TypedResults.Ok(new { id, workspaceId = id == "1" ? "ws-a" : "ws-b" }));
        _app.MapPost("/api/things", (JsonElement body) => TypedResults.Ok(body));
        _app.MapPost("/internal/refresh", () => TypedResults.NoContent());
        _app.MapPost("/webhooks/thing", () => TypedResults.Ok());
        await _app.StartAsync();
        _http = _app.GetTestClient();
    }

    [Fact]
    public async Task A_call_without_a_caller_token_is_refused_with_401()
    {
        using var response = await _http.GetAsync(new Uri("/api/things?workspaceId=ws-a", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("gateway", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("v1.e30.AAAA")]
    public async Task A_malformed_or_forged_token_is_refused_with_401(string token)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/things?workspaceId=ws-a", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_or_expired_is_refused()
    {
        var otherKey = CallerToken.Sign(Caller(CallerRoles.Admin, null), "another-key-that-is-long-enough-0123456789");
        var expired = CallerToken.Sign(Caller(CallerRoles.Admin, null) with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, Key);

        using var first = await SendAsync(HttpMethod.Get, "/api/things", otherKey);
        using var second = await SendAsync(HttpMethod.Get, "/api/things", expired);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
    }

    [Fact]
    public async Task A_valid_token_passes_and_its_name_replaces_any_operator_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/things?workspaceId=ws-a");
        request.Headers.Add(PlatformCaller.Header, CallerToken.Sign(Caller(CallerRoles.Operator, null), Key));
        request.Headers.Add("X-Operator", "mallory");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ana", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("who").GetString());
    }

    [Fact]
    public async Task Health_and_webhooks_stay_open()
    {
        using var health = await _http.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var webhook = await _http.PostAsync(new Uri("/webhooks/thing", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
    }

    [Fact]
    public async Task A_viewer_reads_but_cannot_write()
    {
        var viewer = CallerToken.Sign(Caller(CallerRoles.Viewer, null), Key);

        using var read = await SendAsync(HttpMethod.Get, "/api/things?workspaceId=ws-a", viewer);
        using var write = await SendAsync(HttpMethod.Post, "/api/things", viewer, new { workspaceId = "ws-a" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task Internal_routes_are_for_services_not_operators()
    {
        using var byOperator = await SendAsync(HttpMethod.Post, "/internal/refresh", CallerToken.Sign(Caller(CallerRoles.Admin, null), Key));
        using var byService = await SendAsync(HttpMethod.Post, "/internal/refresh", CallerToken.Sign(Caller(CallerRoles.Service, null), Key));

        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byService.StatusCode);
    }

    [Fact]
    public async Task A_caller_of_workspace_A_cannot_name_workspace_B_anywhere()
    {
        var scoped = CallerToken.Sign(Caller(CallerRoles.Operator, ["ws-a"]), Key);

        using var query = await SendAsync(HttpMethod.Get, "/api/things?workspaceId=ws-b", scoped);
        using var body = await SendAsync(HttpMethod.Post, "/api/things", scoped, new { workspaceId = "ws-b" });
        using var path = await SendAsync(HttpMethod.Get, "/api/workspaces/ws-b", scoped);
        using var byId = await SendAsync(HttpMethod.Get, "/api/things/2", scoped);
        using var own = await SendAsync(HttpMethod.Get, "/api/things/1", scoped);
        using var defaulted = await SendAsync(HttpMethod.Get, "/api/things", scoped);

        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, body.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, path.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("ws-a", (await defaulted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("workspaceId").GetString());
    }

    private static PlatformCaller Caller(string role, IReadOnlyList<string>? workspaces) =>
        new("ana", role, workspaces, DateTimeOffset.UtcNow.AddMinutes(1));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(PlatformCaller.Header, token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await _http.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }
}
