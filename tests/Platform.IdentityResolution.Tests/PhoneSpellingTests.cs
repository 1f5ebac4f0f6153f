using Platform.Contracts.Records;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

/// <summary>Brazilian phone spellings through the real service: pairs that must end in one client, and pairs that must not.</summary>
public sealed class PhoneSpellingTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    private static readonly (string One, string Other)[] MustMeet =
    [
        ("(11) 98765-4321", "+55 11 9 8765-4321"),
        ("11987654321", "5511987654321"),
        ("(11) 8765-4321", "+55 (11) 98765-4321"),
        ("0 21 11 98765-4321", "(11) 98765-4321"),
        ("015 11 98765-4321", "+5511987654321"),
        ("011 98765-4321", "55 11 8765-4321"),
        ("(55) 9912-3456", "+55 55 99912-3456"),
        ("+55 (21) 2345-6789", "021 2345 6789"),
    ];

    private static readonly (string One, string Other)[] MustNotMeet =
    [
        ("(11) 98765-4321", "(21) 98765-4321"),
        ("(11) 3456-7890", "(11) 93456-7890"),
        ("(11) 98765-4321", "(11) 98765-4322"),
        ("+1 415 555 2671", "(41) 5555-2671"),
    ];

    [Fact]
    public async Task Spellings_of_one_phone_make_one_client_and_different_lines_make_two()
    {
        var cases = MustMeet.Select(p => (p.One, p.Other, Expected: 1)).Concat(MustNotMeet.Select(p => (p.One, p.Other, Expected: 2)))
            .Select(c => (c.One, c.Other, c.Expected, Workspace: NewWorkspace()))
            .ToList();

        await service.PublishAllAsync(cases.SelectMany(c => new[]
        {
            Record(c.Workspace, "hotmart", EntityType.Purchase, "HP-1", $"phone:{c.One}"),
            Record(c.Workspace, "gohighlevel", EntityType.Contact, "ghl-1", $"phone:{c.Other}", "ghl_contact_id:ghl-1"),
        }));

        var outcomes = new List<string>();
        foreach (var c in cases)
        {
            await service.WaitForRecordsAsync(c.Workspace, 2);
            var clients = (await service.ClientsAsync(c.Workspace)).Count;
            outcomes.Add($"{c.One} ~ {c.Other}: {clients} client(s)");
            Assert.True(clients == c.Expected, $"'{c.One}' and '{c.Other}' gave {clients} client(s), expected {c.Expected}.");
        }
    }

    [Fact]
    public async Task Clients_are_found_by_any_spelling_of_their_phone()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 1, Record(workspace, "hotmart", EntityType.Purchase, "HP-1", "phone:(11) 98765-4321"));

        foreach (var spelling in new[] { "+55 11 98765-4321", "11 8765-4321", "0 21 11 98765 4321" })
        {
            var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&phone={Uri.EscapeDataString(spelling)}");
            Assert.Equal("+5511987654321", Assert.Single(page.Items).PrimaryPhone);
        }
        var byQuery = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&q={Uri.EscapeDataString("(11) 98765-4321")}");
        Assert.Single(byQuery.Items);
    }
}
