using System.Net;
using System.Security.Cryptography;
using Platform.Testing;

namespace Platform.Connectors.Tests;

public class LocatedWebhookTests(LocatedWebhookFixture fixture) : IClassFixture<LocatedWebhookFixture>
{
    private Task<long> RowsFor(string workspace, string contactId) => fixture.CountAsync(
        "select count(*) from raw_records where workspace_id = @workspace and external_id = @id", ("workspace", workspace), ("id", contactId));

    [Fact]
    public async Task A_delivery_naming_its_location_in_the_body_is_staged_for_the_workspace_that_lists_it()
    {
        var contact = $"c-{Guid.NewGuid():N}";

        using var response = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery("loc-blue-2", contact));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(LocatedWebhookFixture.Workspace, contact));
    }

    [Fact]
    public async Task A_location_listed_as_an_array_finds_its_workspace_too()
    {
        var contact = $"c-{Guid.NewGuid():N}";

        using var response = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery("loc-tokeniza", contact));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(LocatedWebhookFixture.OtherWorkspace, contact));
    }

    [Fact]
    public async Task The_URL_form_keeps_working_beside_the_located_one()
    {
        var contact = $"c-{Guid.NewGuid():N}";

        using var response = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery("loc-blue-1", contact,
            url: $"/webhooks/{LocatedWebhookFixture.Source}/{LocatedWebhookFixture.Workspace}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(LocatedWebhookFixture.Workspace, contact));
    }

    [Fact]
    public async Task An_unknown_location_a_location_two_workspaces_claim_and_a_forged_signature_are_refused_alike()
    {
        var contact = $"c-{Guid.NewGuid():N}";
        using var forger = RSA.Create(2048);

        using var unknown = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery("loc-nobody", contact));
        using var ambiguous = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery(LocatedWebhookFixture.SharedLocation, contact));
        using var forged = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery("loc-blue-1", contact, key: forger));
        using var unsigned = await fixture.Client.SendAsync(LocatedWebhookFixture.Delivery("loc-blue-1", contact, sign: false));

        await WebhookAnswers.AssertRefusedAlikeAsync(unknown, LocatedWebhookFixture.Source);
        await WebhookAnswers.AssertRefusedAlikeAsync(ambiguous, LocatedWebhookFixture.Source);
        await WebhookAnswers.AssertRefusedAlikeAsync(forged, LocatedWebhookFixture.Source);
        await WebhookAnswers.AssertRefusedAlikeAsync(unsigned, LocatedWebhookFixture.Source);
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", contact)));
    }
}
