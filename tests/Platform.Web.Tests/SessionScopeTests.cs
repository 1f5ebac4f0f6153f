using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Web.Tests;

/// <summary>What the app can reach: nothing without a session, and with one only its own workspace.</summary>
[Collection(CommandCenterGroup.Name)]
public sealed class SessionScopeTests(CommandCenterFixture center)
{
    [Theory]
    [InlineData("/api/sources?workspaceId=web-other")]
    [InlineData("/api/syncs?workspaceId=web-other")]
    [InlineData("/api/clients?workspaceId=web-other")]
    [InlineData("/api/conflicts?workspaceId=web-other")]
    [InlineData("/api/reports/sales-per-year?workspaceId=web-other")]
    [InlineData("/api/live/syncs?workspaceId=web-other")]
    [InlineData("/api/session")]
    public async Task Without_a_session_or_key_every_api_path_is_401(string path)
    {
        using var anonymous = new HttpClient { BaseAddress = center.Gateway.Address };
        using var response = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_session_reads_only_its_workspace_and_nothing_before_choosing_one()
    {
        // Something of another workspace to try to reach by id: a unify request made with the key.
        using var started = await center.Api.PostAsJsonAsync("api/unify", new { workspaceId = CommandCenterFixture.ReviewWorkspace });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var otherUnify = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var browser = await SignedInAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/sources")).StatusCode); // no workspace yet

        using (var choose = await browser.PutAsJsonAsync("/api/session/workspace", new { workspaceId = "web-other" }))
        {
            Assert.Equal(HttpStatusCode.OK, choose.StatusCode);
        }
        // Its own workspace, with or without naming it.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/sources?workspaceId=web-other")).StatusCode);
        var runs = await browser.GetFromJsonAsync<JsonElement>("/api/syncs");
        Assert.All(runs.GetProperty("items").EnumerateArray(), r => Assert.Equal("web-other", r.GetProperty("workspaceId").GetString()));

        // Another workspace: by query, by body, by a resource's id.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/syncs?workspaceId=web-review")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/clients?workspaceId=web-other&workspaceId=web-review")).StatusCode);
        using (var body = await browser.PostAsJsonAsync("/api/syncs", new { workspaceId = "web-review", source = "ploomes" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, body.StatusCode);
        }
        using (var byId = await browser.GetAsync($"/api/unify/{otherUnify}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
            Assert.Contains("web-other", (await byId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var cancel = await browser.PostAsJsonAsync($"/api/syncs/{Guid.NewGuid()}/cancel", new { }))
        {
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }
        using (var live = await browser.GetAsync("/api/live/syncs?workspaceId=web-review"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, live.StatusCode);
        }
        // A cross-site write is refused even with the cookie.
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/unify") { Content = JsonContent.Create(new { workspaceId = "web-other" }) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(crossSite)).StatusCode);

        // Signing out ends it.
        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/sources")).StatusCode);
    }

    [Fact]
    public async Task A_session_reaches_its_own_campaigns_audiences_and_imports_by_id_and_never_another_workspaces()
    {
        const string own = "web-other";
        const string other = CommandCenterFixture.ReviewWorkspace;
        var ownCampaign = await CreateAsync($"api/campaigns?workspaceId={own}", new { name = "own", workflowData = new { nodes = Array.Empty<object>(), edges = Array.Empty<object>() } });
        var otherCampaign = await CreateAsync($"api/campaigns?workspaceId={other}", new { name = "theirs", workflowData = new { nodes = Array.Empty<object>(), edges = Array.Empty<object>() } });
        var ownAudience = await CreateAsync($"api/audiences?workspaceId={own}", new { name = "own", definition = new { hasEmail = true } });
        var otherAudience = await CreateAsync($"api/audiences?workspaceId={other}", new { name = "theirs", definition = new { hasEmail = true } });
        var ownImport = await UploadAsync(own);
        var otherImport = await UploadAsync(other);

        using var browser = await SignedInAsync();
        using (var choose = await browser.PutAsJsonAsync("/api/session/workspace", new { workspaceId = own }))
        {
            Assert.Equal(HttpStatusCode.OK, choose.StatusCode);
        }

        foreach (var path in new[]
        {
            $"/api/campaigns/{ownCampaign}", $"/api/campaigns/{ownCampaign}/executions", $"/api/campaigns/{ownCampaign}/metrics",
            $"/api/audiences/{ownAudience}", $"/api/audiences/{ownAudience}/size",
            $"/api/imports/{ownImport}", $"/api/imports/{ownImport}/rejected",
        })
        {
            using var response = await browser.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(own, (await browser.GetFromJsonAsync<JsonElement>($"/api/imports/{ownImport}")).GetProperty("workspaceId").GetString());

        foreach (var path in new[]
        {
            $"/api/campaigns/{otherCampaign}", $"/api/campaigns/{otherCampaign}/executions", $"/api/campaigns/{otherCampaign}/metrics",
            $"/api/audiences/{otherAudience}", $"/api/audiences/{otherAudience}/size",
            $"/api/imports/{otherImport}", $"/api/imports/{otherImport}/rejected",
        })
        {
            using var response = await browser.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        // Writes too: another workspace's campaign cannot be launched, renamed or paused; its import cannot be released.
        using (var launch = await browser.PostAsync($"/api/campaigns/{otherCampaign}/executions", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, launch.StatusCode);
        }
        using (var rename = await browser.PutAsJsonAsync($"/api/campaigns/{otherCampaign}", new { name = "mine now", workflowData = new { nodes = Array.Empty<object>(), edges = Array.Empty<object>() } }))
        {
            Assert.Equal(HttpStatusCode.NotFound, rename.StatusCode);
        }
        using (var release = await browser.PostAsync($"/api/imports/{otherImport}/unify", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        }
        Assert.Equal("theirs", (await center.Api.GetFromJsonAsync<JsonElement>($"api/campaigns/{otherCampaign}?workspaceId={other}")).GetProperty("name").GetString());

        // Dead letters hold every workspace's messages: the session of a key for every workspace reads them (a key for
        // some workspaces is refused: DeadLettersBrowserTests).
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await center.Api.GetAsync("api/dead-letters")).StatusCode);
    }

    private async Task<Guid> CreateAsync(string path, object body)
    {
        using var response = await center.Api.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> UploadAsync(string workspace)
    {
        using var content = new StringContent($"Codigo,Nome,E-mail\nS-{workspace}-1,Scope Test,scope-{workspace}@example.com\n", System.Text.Encoding.UTF8, "text/csv");
        using var response = await center.Api.PostAsync($"api/imports?workspaceId={workspace}&format=generic&fileName=scope.csv&confirm=true&unify=deferred", content);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_wrong_key_gets_no_session()
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = center.Gateway.Address };
        using var response = await client.PostAsJsonAsync("/api/session", new { apiKey = "wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        using var empty = await client.PostAsJsonAsync("/api/session", new { });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    private async Task<HttpClient> SignedInAsync()
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = center.Gateway.Address };
        using var response = await client.PostAsJsonAsync("/api/session", new { apiKey = CommandCenterFixture.ApiKey });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
        return client;
    }
}
