using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.IdentityResolution.Tests;

public sealed class ClientEndpointsTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    [Fact]
    public async Task GET_of_an_unknown_client_id_answers_404_with_a_problem_details()
    {
        var id = Guid.NewGuid();

        using var response = await service.Http.GetAsync(new Uri($"/api/clients/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(404, problem!.Status);
        Assert.Contains($"Client {id} was not found", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_clients_without_a_workspaceId_answers_400_naming_the_missing_parameter()
    {
        using var response = await service.Http.GetAsync(new Uri("/api/clients?email=ana@example.com", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.Contains("workspaceId", problem!.Errors.Keys);
        Assert.Contains("workspaceId", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_clients_with_a_page_size_above_200_answers_400()
    {
        using var response = await service.Http.GetAsync(new Uri($"/api/clients?workspaceId={StagedRecords.NewWorkspace()}&pageSize=201", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.Contains("pageSize", problem!.Errors.Keys);
    }

    [Fact]
    public async Task Listing_a_workspace_pages_through_its_clients_oldest_first()
    {
        var workspace = StagedRecords.NewWorkspace();
        foreach (var name in new[] { "gil", "hana", "ivo" })
        {
            await service.PublishAsync(StagedRecords.StripeCustomer(workspace, $"{name}@example.com", $"cus_{name}"));
            await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.PrimaryEmail == $"{name}@example.com");
        }

        var second = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&page=2&pageSize=2");

        Assert.Equal((2, 2, 3), (second.Page, second.PageSize, second.Total));
        Assert.Equal("ivo@example.com", Assert.Single(second.Items).PrimaryEmail);
    }

    [Fact]
    public async Task Searching_by_name_matches_any_part_of_the_name_in_any_case()
    {
        var workspace = StagedRecords.NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            StagedRecords.StripeCustomer(workspace, "lara@example.com", "cus_lara", "Lara Mendes Costa"),
            StagedRecords.StripeCustomer(workspace, "otto@example.com", "cus_otto", "Otto 100% Silva"));

        var byName = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&name=mendes");
        var byQuery = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&q={Uri.EscapeDataString("100%")}");

        Assert.Equal("Lara Mendes Costa", Assert.Single(byName.Items).DisplayName);
        Assert.Equal("Otto 100% Silva", Assert.Single(byQuery.Items).DisplayName);
    }

    [Fact]
    public async Task Searching_by_a_phone_that_cannot_be_placed_answers_400_saying_why()
    {
        using var response = await service.Http.GetAsync(new Uri($"/api/clients?workspaceId={StagedRecords.NewWorkspace()}&phone=98765-4321", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.Contains("area code", Assert.Single(problem!.Errors["phone"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workspace_settings_with_an_unknown_limit_are_refused_and_valid_ones_are_applied()
    {
        var workspace = StagedRecords.NewWorkspace();
        using var invalid = await service.Http.PutAsJsonAsync(new Uri($"/api/identity/settings?workspaceId={workspace}", UriKind.Relative),
            new { limits = new Dictionary<string, int> { ["ghl_contact_id"] = 2 } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        await service.PutSettingsAsync(workspace, new { limits = new Dictionary<string, int> { ["email"] = 2 } });
        await service.PublishAndSettleAsync(workspace, 2,
            StagedRecords.Record(workspace, "hotmart", Contracts.Records.EntityType.Purchase, "HP-1", "email:a@x.com", "phone:(11) 98765-4321"),
            StagedRecords.Record(workspace, "hotmart", Contracts.Records.EntityType.Purchase, "HP-2", "email:b@x.com", "phone:(11) 98765-4321"));

        Assert.Single(await service.ClientsAsync(workspace));
    }
}
