using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Contracts.Records;

namespace Platform.Connectors.GoHighLevel.Tests;

public class GhlWebhookIntakeTests(GhlConnectorFixture fixture) : IClassFixture<GhlConnectorFixture>
{
    private const string Url = $"/webhooks/gohighlevel/{GhlConnectorFixture.Workspace}";

    private static string Delivery(string contactId, string? webhookId = null, DateTimeOffset? at = null, string location = GhlConnectorFixture.Location) =>
        new JsonObject
        {
            ["type"] = "ContactCreate",
            ["locationId"] = location,
            ["id"] = contactId,
            ["firstName"] = "Joana",
            ["lastName"] = "Conceição",
            ["email"] = $"{contactId}@exemplo.com.br",
            ["phone"] = "+5511987654321",
            ["tags"] = new JsonArray("lead-quente"),
            ["dnd"] = false,
            ["dateAdded"] = "2026-12-01T10:00:00.000Z",
            ["timestamp"] = (at ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["webhookId"] = webhookId ?? Guid.NewGuid().ToString(),
        }.ToJsonString();

    private static string Sign(RSA key, string body) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private HttpRequestMessage Request(string body, string? signature, string url = Url) => new(HttpMethod.Post, url)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        Headers = { { "x-wh-signature", signature ?? Sign(fixture.Signer, body) } },
    };

    private Task<long> RowsFor(string contactId) =>
        fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", contactId));

    [Fact]
    public async Task A_delivery_signed_with_HighLevels_key_is_staged_as_a_contact_and_published()
    {
        var contactId = $"ghl{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(Delivery(contactId), null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(contactId));
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == contactId);
        Assert.Equal(GhlConnectorFixture.Workspace, staged.WorkspaceId);
        Assert.Equal(EntityType.Contact, staged.Record.EntityType);
        Assert.Contains(new Identifier(IdentifierKinds.GhlContactId, contactId), staged.Record.Identifiers);
    }

    [Fact]
    public async Task A_delivery_signed_with_the_rotated_key_is_accepted_too()
    {
        var contactId = $"rot{Guid.NewGuid():N}"[..20];
        var body = Delivery(contactId);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(body, Sign(fixture.Rotated, body)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(contactId));
    }

    [Fact]
    public async Task The_same_webhookId_delivered_twice_is_staged_once_and_answered_as_a_duplicate()
    {
        var contactId = $"dup{Guid.NewGuid():N}"[..20];
        var body = Delivery(contactId);
        using var client = fixture.Service.CreateClient();

        using var first = await client.SendAsync(Request(body, null));
        using var second = await client.SendAsync(Request(body, null));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("\"duplicate\":true", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await RowsFor(contactId));
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused_and_not_staged()
    {
        var contactId = $"bad{Guid.NewGuid():N}"[..20];
        var body = Delivery(contactId);
        var signature = Sign(fixture.Signer, body);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(body.Replace("Joana", "Joana ", StringComparison.Ordinal), signature));

        // Refused like an unknown workspace: the reason goes to the log, never to the caller.
        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "gohighlevel");
        Assert.Equal(0, await RowsFor(contactId));
    }

    [Fact]
    public async Task A_delivery_signed_by_another_key_is_refused()
    {
        var contactId = $"oth{Guid.NewGuid():N}"[..20];
        var body = Delivery(contactId);
        using var stranger = RSA.Create(2048);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(body, Sign(stranger, body)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await RowsFor(contactId));
    }

    [Fact]
    public async Task A_delivery_with_a_timestamp_older_than_five_minutes_is_refused_as_a_replay()
    {
        var contactId = $"old{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(Delivery(contactId, at: DateTimeOffset.UtcNow.AddMinutes(-6)), null));

        // Refused like an unknown workspace: the reason goes to the log, never to the caller.
        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "gohighlevel");
        Assert.Equal(0, await RowsFor(contactId));
    }

    [Fact]
    public async Task A_correctly_signed_delivery_for_a_location_that_is_not_the_workspaces_is_refused()
    {
        var contactId = $"loc{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(Delivery(contactId, location: "SomeOtherLocation000"), null));

        // Refused like an unknown workspace: the reason goes to the log, never to the caller.
        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "gohighlevel");
        Assert.Equal(0, await RowsFor(contactId));
    }

    [Fact]
    public async Task An_unsigned_delivery_is_refused()
    {
        var contactId = $"uns{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(Delivery(contactId), Encoding.UTF8, "application/json") };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await RowsFor(contactId));
    }

    [Fact]
    public async Task A_delivery_to_the_app_url_is_staged_for_the_workspace_whose_location_it_names()
    {
        var contactId = $"app{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(Delivery(contactId), null, "/webhooks/gohighlevel"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await fixture.CountAsync("select count(*) from raw_records where external_id = @id and workspace_id = @workspace",
            ("id", contactId), ("workspace", GhlConnectorFixture.Workspace)));
    }

    [Fact]
    public async Task A_correctly_signed_delivery_to_the_app_url_for_a_location_no_workspace_has_is_refused_and_not_staged()
    {
        var contactId = $"unk{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Request(Delivery(contactId, location: "UnknownLocation00001"), null, "/webhooks/gohighlevel"));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "gohighlevel");
        Assert.Equal(0, await RowsFor(contactId));
    }

    [Fact]
    public async Task A_delivery_for_any_of_a_workspaces_LocationIds_is_staged_for_it_at_the_app_url_and_its_own_url()
    {
        var second = $"lid{Guid.NewGuid():N}"[..20];
        var first = $"lie{Guid.NewGuid():N}"[..20];
        using var client = fixture.Service.CreateClient();

        using var atAppUrl = await client.SendAsync(Request(Delivery(second, location: GhlConnectorFixture.MultiLocations[1]), null, "/webhooks/gohighlevel"));
        using var atOwnUrl = await client.SendAsync(Request(Delivery(first, location: GhlConnectorFixture.MultiLocations[0]), null,
            $"/webhooks/gohighlevel/{GhlConnectorFixture.MultiWorkspace}"));
        using var notItsOwn = await client.SendAsync(Request(Delivery($"lix{Guid.NewGuid():N}"[..20]), null,
            $"/webhooks/gohighlevel/{GhlConnectorFixture.MultiWorkspace}"));

        Assert.Equal(HttpStatusCode.OK, atAppUrl.StatusCode);
        Assert.Equal(HttpStatusCode.OK, atOwnUrl.StatusCode);
        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(notItsOwn, "gohighlevel");
        foreach (var contactId in new[] { second, first })
        {
            Assert.Equal(1, await fixture.CountAsync("select count(*) from raw_records where external_id = @id and workspace_id = @workspace",
                ("id", contactId), ("workspace", GhlConnectorFixture.MultiWorkspace)));
        }
    }
}
