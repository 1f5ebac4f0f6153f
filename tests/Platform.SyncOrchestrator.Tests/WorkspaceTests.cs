using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.SyncOrchestrator.Tests;

/// <summary>The orchestrator with a workspace seeded from configuration, as <c>./platform up</c> seeds <c>demo</c>.</summary>
public sealed class WorkspaceFixture : OrchestratorFixture
{
    public const string Seeded = "seeded-demo";
    public const string SeededKey = "sk_test_seeded_value_7f3a";

    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings[$"Connectors:Stripe:Workspaces:{Seeded}:ApiKey"] = SeededKey;
        settings[$"Connectors:Stripe:Workspaces:{Seeded}:WebhookSecret"] = "whsec_seeded";
        settings[$"Connectors:Stripe:Workspaces:{Seeded}:NotAField"] = "ignored";
        return settings;
    }
}

public sealed class WorkspaceTests(WorkspaceFixture fixture) : IClassFixture<WorkspaceFixture>
{
    private static readonly string[] StripeFields = ["apiKey", "webhookSecret", "baseAddress"];
    private static readonly string[] StripeSecrets = ["apiKey", "webhookSecret"];
    private static readonly string[] OneLocation = ["loc-1"];
    private static readonly string[] TwoLocations = ["loc-1", "loc-2"];

    private HttpClient Http => fixture.Http;

    private async Task<string> NewWorkspaceAsync(string name = "Blue")
    {
        var id = OrchestratorFixture.NewWorkspace();
        using var response = await Http.PutAsJsonAsync($"/api/workspaces/{id}", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    private async Task<HttpResponseMessage> PutSourceAsync(string workspace, string source, object settings) =>
        await Http.PutAsJsonAsync($"/api/workspaces/{workspace}/sources/{source}", settings);

    private async Task<JsonElement> ConnectorSettingsAsync(string source, HttpClient? http = null)
    {
        using var response = await (http ?? Http).GetAsync($"/internal/sources/{source}/settings");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_workspace_is_created_renamed_and_listed()
    {
        var id = await NewWorkspaceAsync("Blue");

        using var renamed = await Http.PutAsJsonAsync($"/api/workspaces/{id}", new { name = "Blue Educação" });
        var list = await fixture.GetJsonAsync<JsonElement>("/api/workspaces?pageSize=200");

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var item = list.GetProperty("items").EnumerateArray().Single(w => w.GetProperty("id").GetString() == id);
        Assert.Equal("Blue Educação", item.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_workspace_without_a_name_or_with_an_id_that_cannot_be_a_key_is_refused_naming_the_field()
    {
        using var noName = await Http.PutAsJsonAsync($"/api/workspaces/{OrchestratorFixture.NewWorkspace()}", new { name = " " });
        using var badId = await Http.PutAsJsonAsync("/api/workspaces/has:colon", new { name = "x" });

        Assert.True((await ProblemAsync(noName, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
        Assert.True((await ProblemAsync(badId, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("workspaceId", out _));
    }

    [Fact]
    public async Task Every_source_has_a_spec_saying_which_fields_are_secret_and_required()
    {
        foreach (var source in new[] { "stripe", "hotmart", "ploomes", "gohighlevel", "paypal", "manychat", "sgt", "csv" })
        {
            using var response = await Http.GetAsync($"/api/sources/{source}/spec");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var stripe = await fixture.GetJsonAsync<JsonElement>("/api/sources/stripe/spec");
        var fields = stripe.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(StripeFields, fields.Keys);
        Assert.True(fields["apiKey"].GetProperty("secret").GetBoolean());
        Assert.True(fields["apiKey"].GetProperty("required").GetBoolean());
        Assert.False(fields["baseAddress"].GetProperty("secret").GetBoolean());
        Assert.Equal("Url", fields["baseAddress"].GetProperty("kind").GetString());
        Assert.Equal("ApiKey", fields["apiKey"].GetProperty("configKey").GetString());

        using var unknown = await Http.GetAsync("/api/sources/salesforce/spec");
        Assert.Contains("gohighlevel", (await ProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_that_do_not_fit_the_spec_are_refused_naming_each_field()
    {
        var workspace = await NewWorkspaceAsync();

        using var response = await PutSourceAsync(workspace, "stripe", new { apiKey = 42, baseAddress = "ftp://x", colour = "blue" });

        var errors = (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("must be a string", errors.GetProperty("apiKey")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("http(s)", errors.GetProperty("baseAddress")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("apiKey, webhookSecret, baseAddress", errors.GetProperty("colour")[0].GetString(), StringComparison.Ordinal);

        using var missing = await PutSourceAsync(workspace, "stripe", new { webhookSecret = "whsec_x" });
        Assert.Contains("required", (await ProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("apiKey")[0].GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoHighLevel_needs_a_token_or_a_complete_OAuth_client()
    {
        var workspace = await NewWorkspaceAsync();

        using var partial = await PutSourceAsync(workspace, "gohighlevel", new { clientId = "app", locationIds = OneLocation });
        using var token = await PutSourceAsync(workspace, "gohighlevel", new { privateIntegrationToken = "pit-1", locationIds = TwoLocations });

        Assert.Contains("privateIntegrationToken, or clientId + clientSecret + refreshToken",
            (await ProblemAsync(partial, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("authentication")[0].GetString(),
            StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        var settings = await ConnectorSettingsAsync("gohighlevel");
        Assert.Equal("loc-1,loc-2", settings.GetProperty("workspaces").GetProperty(workspace).GetProperty("LocationIds").GetString());
    }

    [Fact]
    public async Task Secrets_are_never_returned_by_a_GET_and_are_stored_encrypted()
    {
        var workspace = await NewWorkspaceAsync();
        var apiKey = $"sk_test_{Guid.NewGuid():N}";

        using var put = await PutSourceAsync(workspace, "stripe", new { apiKey, webhookSecret = "whsec_abc123", baseAddress = "http://127.0.0.1:5901/" });
        var putText = await put.Content.ReadAsStringAsync();
        using var one = await Http.GetAsync($"/api/workspaces/{workspace}/sources/stripe");
        using var all = await Http.GetAsync($"/api/workspaces/{workspace}/sources");
        var oneText = await one.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        foreach (var text in new[] { putText, oneText, await all.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain(apiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("whsec_abc123", text, StringComparison.Ordinal);
        }
        var view = JsonDocument.Parse(oneText).RootElement;
        Assert.Equal("http://127.0.0.1:5901/", view.GetProperty("settings").GetProperty("baseAddress").GetString());
        Assert.Equal(StripeSecrets, view.GetProperty("secretsSet").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, await SchemaQuery.CountAsync(fixture.Database, "sync-orchestrator",
            "select count(*) from source_connections where protected_secrets like '%' || @key || '%' or settings::text like '%' || @key || '%'",
            ("key", apiKey)));
        Assert.True(await SchemaQuery.CountAsync(fixture.Database, "sync-orchestrator", "select count(*) from data_protection_keys") >= 1);
    }

    [Fact]
    public async Task A_PUT_that_leaves_a_secret_out_keeps_it_and_null_removes_it()
    {
        var workspace = await NewWorkspaceAsync();
        (await PutSourceAsync(workspace, "stripe", new { apiKey = "sk_test_keep", webhookSecret = "whsec_drop" })).EnsureSuccessStatusCode();

        using var update = await PutSourceAsync(workspace, "stripe", new { baseAddress = "http://127.0.0.1:5901/", webhookSecret = (string?)null });

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var settings = (await ConnectorSettingsAsync("stripe")).GetProperty("workspaces").GetProperty(workspace);
        Assert.Equal("sk_test_keep", settings.GetProperty("ApiKey").GetString());
        Assert.Equal("http://127.0.0.1:5901/", settings.GetProperty("BaseAddress").GetString());
        Assert.False(settings.TryGetProperty("WebhookSecret", out _));
    }

    [Fact]
    public async Task A_source_cannot_be_connected_to_a_workspace_that_does_not_exist()
    {
        using var response = await PutSourceAsync("nobody-here", "stripe", new { apiKey = "sk" });

        Assert.Contains("PUT /api/workspaces/nobody-here", (await ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_settings_tells_the_connector_to_reload_them()
    {
        var workspace = await NewWorkspaceAsync();
        var before = fixture.Stripe.Refreshes;

        (await PutSourceAsync(workspace, "stripe", new { apiKey = "sk_test_notify" })).EnsureSuccessStatusCode();

        Assert.True(fixture.Stripe.Refreshes > before);
    }

    [Fact]
    public async Task A_check_asks_the_connector_and_answers_its_reason()
    {
        var workspace = await NewWorkspaceAsync();
        (await PutSourceAsync(workspace, "ploomes", new { userKey = "uk-wrong" })).EnsureSuccessStatusCode();
        fixture.Ploomes.CheckProblem = ws => ws == workspace ? "Ploomes answered 403: the User-Key is wrong or lacks permission on Deals" : null;

        var result = await (await Http.PostAsync($"/api/workspaces/{workspace}/sources/ploomes/check", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.StartsWith("Ploomes answered 403", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Contains(workspace, fixture.Ploomes.Checks);
    }

    [Fact]
    public async Task A_check_of_a_connector_that_does_not_answer_says_so()
    {
        var workspace = await NewWorkspaceAsync();
        (await PutSourceAsync(workspace, "hotmart", new { clientId = "c", clientSecret = "s" })).EnsureSuccessStatusCode();

        var result = await (await Http.PostAsync($"/api/workspaces/{workspace}/sources/hotmart/check", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("connector-hotmart is unreachable", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connector_writes_back_a_rotated_refresh_token_but_nothing_else()
    {
        var workspace = await NewWorkspaceAsync();
        (await PutSourceAsync(workspace, "gohighlevel",
            new { clientId = "app", clientSecret = "secret", refreshToken = "rt-1", locationIds = "loc-9" })).EnsureSuccessStatusCode();

        using var rotated = await Http.PutAsJsonAsync($"/internal/workspaces/{workspace}/sources/gohighlevel/secrets/RefreshToken", new { value = "rt-2" });
        using var refused = await Http.PutAsJsonAsync($"/internal/workspaces/{workspace}/sources/gohighlevel/secrets/ClientSecret", new { value = "x" });

        Assert.Equal(HttpStatusCode.NoContent, rotated.StatusCode);
        Assert.Contains("RefreshToken", (await ProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var settings = (await ConnectorSettingsAsync("gohighlevel")).GetProperty("workspaces").GetProperty(workspace);
        Assert.Equal("rt-2", settings.GetProperty("RefreshToken").GetString());
        Assert.Equal("secret", settings.GetProperty("ClientSecret").GetString());
    }

    [Fact]
    public async Task A_workspace_in_configuration_is_seeded_once_and_the_API_wins_afterwards()
    {
        var seeded = await fixture.GetJsonAsync<JsonElement>($"/api/workspaces/{WorkspaceFixture.Seeded}/sources/stripe");
        Assert.Equal("environment", seeded.GetProperty("origin").GetString());
        Assert.Equal(StripeSecrets, seeded.GetProperty("secretsSet").EnumerateArray().Select(e => e.GetString()));

        (await PutSourceAsync(WorkspaceFixture.Seeded, "stripe", new { apiKey = "sk_test_from_api" })).EnsureSuccessStatusCode();
        // A second replica starts (and seeds) on the same database: it keeps the API's value and decrypts it with the shared key ring.
        var second = await fixture.StartHostAsync();
        try
        {
            var settings = (await ConnectorSettingsAsync("stripe", second)).GetProperty("workspaces").GetProperty(WorkspaceFixture.Seeded);
            Assert.Equal("sk_test_from_api", settings.GetProperty("ApiKey").GetString());
        }
        finally
        {
            await fixture.StopHostAsync(second);
        }
    }
}
