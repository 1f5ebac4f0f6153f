using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;

namespace Platform.ServiceDefaults.Tests;

public sealed record Thing(int Count, DateTimeOffset From);

public sealed class BadInputTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // Production: minimal APIs only throw for bad input in Development unless told to, and then answer an empty 400.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGet("/items", (int page, int? pageSize) => TypedResults.Ok(new { page, pageSize }));
        _app.MapGet("/items/{id:guid}", (Guid id) => TypedResults.Ok(id));
        _app.MapGet("/dates", (DateTimeOffset from) => TypedResults.Ok(from));
        _app.MapPost("/things", (Thing thing) => TypedResults.Ok(thing));
        await _app.StartAsync();
        _http = _app.GetTestClient();
    }

    [Theory]
    [InlineData("/items?page=abc", "page")]
    [InlineData("/items?page=1&pageSize=ten", "pageSize")]
    [InlineData("/items", "page")]
    [InlineData("/dates?from=yesterday", "from")]
    public async Task A_malformed_query_value_answers_400_naming_the_parameter(string path, string parameter)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        await AssertNamesAsync(response, parameter);
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("{\"count\": 1", "body")]
    [InlineData("{\"count\": \"many\"}", "count")]
    [InlineData("{\"count\": 1, \"from\": \"yesterday\"}", "from")]
    [InlineData("not json", "body")]
    public async Task An_empty_truncated_or_mistyped_JSON_body_answers_400_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri("/things", UriKind.Relative), content);

        await AssertNamesAsync(response, field);
    }

    [Fact]
    public async Task Good_input_still_works()
    {
        using var response = await _http.GetAsync(new Uri("/items?page=2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertNamesAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}': {text}");
        Assert.Contains(field, messages[0].GetString(), StringComparison.OrdinalIgnoreCase);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }
}
