using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

public sealed class TenancyTests(TenancyFixture platform, ITestOutputHelper output) : IClassFixture<TenancyFixture>
{
    [Fact]
    public async Task A_viewer_key_cannot_start_a_sync_but_reads_its_workspace()
    {
        using var viewer = platform.Client(platform.ViewerOfA);

        using var start = await viewer.PostAsJsonAsync("/api/syncs", new { workspaceId = platform.WorkspaceA, source = "ploomes", mode = "full" });
        using var list = await viewer.GetAsync($"/api/syncs?workspaceId={platform.WorkspaceA}");

        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task An_operator_key_of_workspace_A_starts_a_sync_in_A_and_the_run_names_it()
    {
        using var operatorOfA = platform.Client(platform.OperatorOfA);

        using var start = await operatorOfA.PostAsJsonAsync("/api/syncs", new { workspaceId = platform.WorkspaceA, source = "ploomes", mode = "full" });
        var body = await start.Content.ReadAsStringAsync();

        Assert.True(start.IsSuccessStatusCode, body);
        Assert.Equal("ops-of-a", JsonNode.Parse(body)!["requestedBy"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("sync-orchestrator", "/api/syncs?workspaceId=x")]
    [InlineData("sync-orchestrator", "/internal/sources/ploomes/settings")]
    [InlineData("identity-resolution", "/api/clients?workspaceId=x")]
    [InlineData("aggregation", "/api/sales?workspaceId=x")]
    [InlineData("campaigns", "/api/campaigns?workspaceId=x")]
    [InlineData("connector-csv", "/api/imports?workspaceId=x")]
    public async Task A_direct_call_to_a_service_port_without_the_gateways_credential_is_refused(string service, string path)
    {
        using var direct = new HttpClient { BaseAddress = platform.Services[service].Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Operator", "mallory");

        using var response = await direct.SendAsync(request);
        using var forged = new HttpRequestMessage(HttpMethod.Get, path);
        forged.Headers.Add("X-Platform-Caller", "v1.eyJzdWIiOiJtYWxsb3J5Iiwicm9sZSI6ImFkbWluIiwid3MiOm51bGwsImV4cCI6OTk5OTk5OTk5OX0.AAAA");
        using var forgedResponse = await direct.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
    }

    [Fact]
    public async Task Keys_are_created_shown_once_listed_without_the_secret_and_deleted()
    {
        using var admin = platform.Client(TenancyFixture.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/admin/keys", new { name = $"tmp-{Guid.NewGuid():N}"[..12], role = "viewer", workspaces = new[] { platform.WorkspaceA } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = key["id"]!.GetValue<string>();
        var secret = key["key"]!.GetValue<string>();

        var listed = await admin.GetStringAsync("/api/admin/keys");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        using (var works = platform.Client(secret))
        {
            Assert.Equal(HttpStatusCode.OK, (await works.GetAsync($"/api/syncs?workspaceId={platform.WorkspaceA}")).StatusCode);
        }
        using (var notAdmin = platform.Client(platform.OperatorOfA))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await notAdmin.GetAsync("/api/admin/keys")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/keys/{id}")).StatusCode);
        using var revoked = platform.Client(secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync($"/api/syncs?workspaceId={platform.WorkspaceA}")).StatusCode);
    }

    [Fact]
    public async Task A_key_of_workspace_A_gets_403_or_404_on_every_route_for_workspace_B()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Gateway.Address };
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        using var operatorOfA = platform.Client(platform.OperatorOfA);
        var leaks = new List<string>();
        var checkedRoutes = 0;
        foreach (var (method, template) in Operations(document))
        {
            // Everything named for B: the workspaceId query, the body, and the ids of B's resources in the path.
            var path = Fill(template, platform.WorkspaceB);
            foreach (var url in new[] { $"{path}{(path.Contains('?') ? '&' : '?')}workspaceId={platform.WorkspaceB}", path })
            {
                if (url == path && !NamesAResourceOfB(template))
                {
                    continue; // without the query a list route answers A's own data: not a leak
                }
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent($$"""{"workspaceId":"{{platform.WorkspaceB}}"}""", Encoding.UTF8, "application/json");
                }
                using var response = await operatorOfA.SendAsync(request);
                checkedRoutes++;
                if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                {
                    leaks.Add($"{method} {url}: {(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }
        output.WriteLine($"{checkedRoutes} requests for workspace B");
        Assert.True(checkedRoutes > 50, $"only {checkedRoutes} requests: the merged document lacks services");
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
    }

    [Fact]
    public async Task Malformed_values_on_every_route_answer_4xx_never_5xx()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Gateway.Address };
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        using var admin = platform.Client(TenancyFixture.AdminKey);
        var failures = new List<string>();
        var sent = 0;
        foreach (var (method, template) in Operations(document))
        {
            var path = Fill(template, platform.WorkspaceA, malformed: true);
            var url = $"{path}{(path.Contains('?') ? '&' : '?')}workspaceId={platform.WorkspaceA}&page=abc&pageSize=x&limit=many&from=yesterday";
            string?[] bodies = method is "POST" or "PUT" or "PATCH" ? ["", "{\"workspaceId\": \"", "{\"workspaceId\": 5, \"streams\": \"x\"}"] : [null];
            foreach (var body in bodies)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }
                using var response = await admin.SendAsync(request);
                sent++;
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{method} {url} [{body}]: {(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }
        output.WriteLine($"{sent} malformed requests");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + platform.Logs());
    }

    /// <summary>Every operation under <c>/api</c> of the merged document but the session's and the live stream's.</summary>
    private static IEnumerable<(string Method, string Path)> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/api/session", StringComparison.Ordinal)
                || path.StartsWith("/api/live", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (method, _) in item!.AsObject())
            {
                if (method is "get" or "post" or "put" or "delete" or "patch")
                {
                    yield return (method.ToUpperInvariant(), path);
                }
            }
        }
    }

    private bool NamesAResourceOfB(string template) =>
        template.Contains("{workspaceId}", StringComparison.Ordinal) || (template.Contains('{') && IdFor(template) is not null);

    /// <summary>The id of B's resource a templated path names (by its first segment), if B has one.</summary>
    private string? IdFor(string template)
    {
        var resource = template.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        var key = resource switch
        {
            "customers" or "cs-customers" => "clients",
            _ => resource,
        };
        return platform.IdsOfB.GetValueOrDefault(key);
    }

    private string Fill(string template, string workspace, bool malformed = false)
    {
        var id = malformed ? "not-an-id" : IdFor(template) ?? Guid.NewGuid().ToString();
        var filled = new StringBuilder();
        foreach (var segment in template.Split('/'))
        {
            if (!segment.StartsWith('{'))
            {
                filled.Append(segment).Append('/');
                continue;
            }
            var name = segment.Trim('{', '}');
            filled.Append(name switch
            {
                "workspaceId" => workspace,
                "source" => "ploomes",
                "service" => "identity-resolution",
                "queue" => "identity-resolution-raw-record-staged",
                "executionId" => malformed ? "not-an-id" : Guid.NewGuid().ToString(),
                _ when name.Equals("id", StringComparison.Ordinal) && template.Contains("blocked-values", StringComparison.Ordinal) => malformed ? "x" : "1",
                _ when name.Equals("id", StringComparison.Ordinal) && template.StartsWith("/api/sales", StringComparison.Ordinal) => malformed ? "x" : "1",
                _ => id,
            }).Append('/');
        }
        return filled.ToString().TrimEnd('/');
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300];
}
