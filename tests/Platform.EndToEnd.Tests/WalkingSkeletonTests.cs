using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

public class WalkingSkeletonTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> PostStripeAsync(string body)
    {
        using var client = platform.GatewayClient(withApiKey: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"webhooks/stripe/{PlatformFixture.Workspace}") { Content = Json(body) };
        request.Headers.Add("Stripe-Signature", StripeWebhooks.Sign(body, PlatformFixture.StripeSecret));
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_signed_stripe_sample_posted_to_the_gateway_becomes_a_client_announced_on_the_bus_and_readable_through_the_gateway()
    {
        // The vendor sample exactly as Stripe's fixtures give it (cus_QXg1o8vcGmoR32, no email), in a customer.created event.
        var body = StripeWebhooks.Event("customer.created", "customer");

        using var response = await PostStripeAsync(body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{platform.Logs()}");

        var updated = await platform.ClientUpdates.WaitForAsync(
            m => m.WorkspaceId == PlatformFixture.Workspace
                 && m.Identifiers.Contains(new Identifier(IdentifierKinds.StripeCustomerId, "cus_QXg1o8vcGmoR32")),
            TimeSpan.FromSeconds(60));

        using var client = platform.GatewayClient();
        var read = await client.GetFromJsonAsync<JsonElement>($"api/clients/{updated.ClientId}");
        Assert.Equal(updated.ClientId, read.GetProperty("id").GetGuid());
        Assert.Equal(PlatformFixture.Workspace, read.GetProperty("workspaceId").GetString());
        Assert.Contains(read.GetProperty("records").EnumerateArray(), r => r.GetProperty("externalId").GetString() == "cus_QXg1o8vcGmoR32");
    }

    [Fact]
    public async Task A_customer_with_an_email_becomes_a_client_found_by_that_email()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        var email = $"maria.souza.{Guid.NewGuid():N}@example.com.br";
        var body = StripeWebhooks.Event("customer.created", "customer", c =>
        {
            c["id"] = customerId;
            c["email"] = "  " + email.ToUpperInvariant() + " ";
            c["name"] = "Maria Souza";
        });

        using var response = await PostStripeAsync(body);
        response.EnsureSuccessStatusCode();
        var updated = await platform.ClientUpdates.WaitForAsync(m => m.PrimaryEmail == email, TimeSpan.FromSeconds(60));
        Assert.Equal("Maria Souza", updated.DisplayName);

        using var client = platform.GatewayClient();
        var page = await client.GetFromJsonAsync<JsonElement>($"api/clients?workspaceId={PlatformFixture.Workspace}&email={Uri.EscapeDataString(email)}");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(updated.ClientId, item.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task The_api_without_a_key_answers_401_with_a_problem_body()
    {
        using var client = platform.GatewayClient(withApiKey: false);
        using var response = await client.GetAsync($"api/clients/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_webhook_with_a_bad_signature_is_refused_through_the_gateway()
    {
        var body = StripeWebhooks.Event("customer.created", "customer");
        using var client = platform.GatewayClient(withApiKey: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"webhooks/stripe/{PlatformFixture.Workspace}") { Content = Json(body) };
        request.Headers.Add("Stripe-Signature", StripeWebhooks.Sign(body, "whsec_not_the_secret"));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_gateway_is_ready_only_because_every_service_behind_it_is()
    {
        using var client = platform.GatewayClient(withApiKey: false);
        using var response = await client.GetAsync("health/ready");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("identity-resolution", body, StringComparison.Ordinal);

        // Each service's own readiness checks its database and its broker connection.
        using var direct = new HttpClient { BaseAddress = platform.ConnectorStripe.Address };
        var own = await direct.GetStringAsync("health/ready");
        Assert.Contains("postgres", own, StringComparison.Ordinal);
        Assert.Contains("masstransit", own, StringComparison.OrdinalIgnoreCase);
    }
}
