using Platform.Testing;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.IdentityResolution.Privacy;
using Platform.ServiceDefaults.Privacy;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed class ConflictTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    /// <summary>Ana and Bia share a phone (a family line) but have their own emails.</summary>
    private async Task<(string Workspace, Guid Ana, Guid Bia, ConflictDto Conflict)> SharedPhoneAsync()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "hotmart", EntityType.Purchase, "HP-ana", "email:ana@example.com", "phone:(11) 98765-4321"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-bia", "email:bia@example.com", "phone:+55 11 9 8765-4321"));
        var conflicts = await service.GetJsonAsync<PageDto<ConflictDto>>($"/api/conflicts?workspaceId={workspace}");
        var conflict = Assert.Single(conflicts.Items);
        var ana = (await service.RecordAsync(workspace, "hotmart", "HP-ana")).ClientId!.Value;
        var bia = (await service.RecordAsync(workspace, "ploomes", "PL-bia")).ClientId!.Value;
        return (workspace, ana, bia, conflict);
    }

    [Fact]
    public async Task The_same_phone_with_different_emails_makes_two_clients_and_one_open_conflict_announced_once()
    {
        var (workspace, ana, bia, conflict) = await SharedPhoneAsync();

        Assert.NotEqual(ana, bia);
        Assert.Equal(2, (await service.ClientsAsync(workspace)).Count);
        Assert.Equal(("phone", "+5511987654321", "open"), (conflict.IdentifierKind, conflict.IdentifierValue, conflict.Status));
        Assert.StartsWith("email limit 1", conflict.Rule, StringComparison.Ordinal);
        Assert.Equal(new[] { ana, bia }.Order(), new[] { conflict.ClientAId, conflict.ClientBId }.Order());
        var announced = await service.Conflicts.WaitForAsync(c => c.WorkspaceId == workspace);
        Assert.Equal(conflict.Id, announced.ConflictId);
        Assert.Contains(conflict.Id, (await service.ClientAsync(ana)).OpenConflictIds);

        // Replaying both records finds the same conflict: nothing new is recorded or announced.
        var links = service.RecordLinks.Received.Count(l => l.WorkspaceId == workspace);
        await service.PublishAllAsync(
        [
            Record(workspace, "hotmart", EntityType.Purchase, "HP-ana", "email:ana@example.com", "phone:(11) 98765-4321"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-bia", "email:bia@example.com", "phone:+55 11 9 8765-4321"),
        ]);
        await Eventually.HoldsAsync(() => service.RecordLinks.Received.Count(l => l.WorkspaceId == workspace) >= links + 2, "the new versions are linked");
        await Task.Delay(300);
        Assert.Single(service.Conflicts.Received, c => c.WorkspaceId == workspace);
        Assert.Equal(conflict.Id, Assert.Single((await service.GetJsonAsync<PageDto<ConflictDto>>($"/api/conflicts?workspaceId={workspace}")).Items).Id);
    }

    [Fact]
    public async Task When_the_first_holder_of_a_shared_phone_drops_it_the_conflicts_between_the_other_holders_open()
    {
        // Ana (hotmart, first in canonical order) refuses Bia and Caio on the shared phone: the conflicts are hers.
        // Her newer version drops the phone: Bia and Caio still share it and refuse each other, though no record of
        // theirs arrived.
        var workspace = NewWorkspace();
        var resolver = service.Service.Services.GetRequiredService<IdentityResolver>();
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        await ResolveOneByOneAsync(
            Staged(workspace, "hotmart", EntityType.Purchase, "HP-ana", Ids("email:ana@example.com", "phone:(11) 98765-4321"), sourceUpdatedAt: at),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-bia", Ids("email:bia@example.com", "phone:(11) 98765-4321"), sourceUpdatedAt: at),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-caio", Ids("email:caio@example.com", "phone:(11) 98765-4321"), sourceUpdatedAt: at));
        var ana = (await service.RecordAsync(workspace, "hotmart", "HP-ana")).ClientId!.Value;
        var bia = (await service.RecordAsync(workspace, "ploomes", "PL-bia")).ClientId!.Value;
        var caio = (await service.RecordAsync(workspace, "ploomes", "PL-caio")).ClientId!.Value;
        Assert.Equal(
            new[] { Pair(ana, bia), Pair(ana, caio) }.Order(),
            (await OpenConflictsAsync(workspace)).Select(c => Pair(c.ClientAId, c.ClientBId)).Order());

        await resolver.ResolveAsync(
            [Staged(workspace, "hotmart", EntityType.Purchase, "HP-ana", Ids("email:ana@example.com"), sourceUpdatedAt: at.AddMinutes(5))],
            CancellationToken.None);

        var open = Assert.Single(await OpenConflictsAsync(workspace));
        Assert.Equal((Pair(bia, caio), "+5511987654321"), (Pair(open.ClientAId, open.ClientBId), open.IdentifierValue));
    }

    [Fact]
    public async Task When_the_first_holder_of_a_shared_phone_is_erased_the_conflicts_between_the_other_holders_open()
    {
        // The same family line as above; Ana asks to be erased (LGPD) by her email. The phone is Bia's and Caio's too.
        var workspace = NewWorkspace();
        await ResolveOneByOneAsync(
            Staged(workspace, "hotmart", EntityType.Purchase, "HP-ana", Ids("email:ana@example.com", "phone:(11) 98765-4321")),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-bia", Ids("email:bia@example.com", "phone:(11) 98765-4321")),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-caio", Ids("email:caio@example.com", "phone:(11) 98765-4321")));
        var bia = (await service.RecordAsync(workspace, "ploomes", "PL-bia")).ClientId!.Value;
        var caio = (await service.RecordAsync(workspace, "ploomes", "PL-caio")).ClientId!.Value;
        Assert.Equal(2, (await OpenConflictsAsync(workspace)).Count);

        var privacy = service.Service.Services.GetRequiredService<IdentityPrivacyParticipant>();
        var subject = await privacy.LookupAsync(
            new PrivacySubject { WorkspaceId = workspace, RequestId = Guid.NewGuid(), Identifiers = [new SubjectIdentifier("email", "ana@example.com")] },
            CancellationToken.None);
        await privacy.EraseAsync(subject, CancellationToken.None);
        // The phone is Bia's and Caio's too: it is not looked for, their records stay.
        Assert.DoesNotContain(subject.Identifiers, i => i.Kind == "phone");
        Assert.Equal(2, await service.CountAsync("select count(*) from \"identity-resolution\".records where workspace_id = @workspace", workspace));

        var open = Assert.Single(await OpenConflictsAsync(workspace));
        Assert.Equal((Pair(bia, caio), "+5511987654321"), (Pair(open.ClientAId, open.ClientBId), open.IdentifierValue));
        await service.Conflicts.WaitForAsync(c => c.WorkspaceId == workspace && c.ConflictId == open.Id);
    }

    [Fact]
    public async Task A_privacy_request_naming_only_a_family_phone_names_nobody_and_one_naming_her_email_too_finds_only_her()
    {
        var workspace = NewWorkspace();
        await ResolveOneByOneAsync(
            Staged(workspace, "hotmart", EntityType.Purchase, "HP-ana", Ids("email:ana@example.com", "phone:(11) 98765-4321")),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-bia", Ids("email:bia@example.com", "phone:(11) 98765-4321")));
        var ana = (await service.RecordAsync(workspace, "hotmart", "HP-ana")).ClientId!.Value;
        var privacy = service.Service.Services.GetRequiredService<IdentityPrivacyParticipant>();
        PrivacySubject Asking(params SubjectIdentifier[] identifiers) =>
            new() { WorkspaceId = workspace, RequestId = Guid.NewGuid(), Identifiers = identifiers };

        // The phone alone is Ana's and Bia's: the request does not say who, and says what to name instead.
        var refused = await Assert.ThrowsAsync<AmbiguousSubjectException>(() =>
            privacy.LookupAsync(Asking(new SubjectIdentifier("phone", "+55 11 98765-4321")), CancellationToken.None));
        Assert.Contains("2 different clients (shared: phone)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("98765", refused.Message, StringComparison.Ordinal);
        using (var http = service.Service.CreateClient())
        {
            using var answer = await http.PostAsJsonAsync("/internal/privacy/lookup", Asking(new SubjectIdentifier("phone", "+55 11 98765-4321")));
            Assert.Equal(System.Net.HttpStatusCode.Conflict, answer.StatusCode);
        }

        // Her email and the phone: her, and the phone is not looked for (Bia's rows carry it).
        var subject = await privacy.LookupAsync(
            Asking(new SubjectIdentifier("email", "ana@example.com"), new SubjectIdentifier("phone", "+55 11 98765-4321")), CancellationToken.None);
        Assert.Equal([ana], subject.ClientIds);
        Assert.DoesNotContain(subject.Identifiers, i => i.Kind == "phone");
        await privacy.EraseAsync(subject, CancellationToken.None);
        Assert.NotNull((await service.RecordAsync(workspace, "ploomes", "PL-bia")).ClientId);
        Assert.Equal(1, await service.CountAsync("select count(*) from \"identity-resolution\".records where workspace_id = @workspace", workspace));
    }

    /// <summary>Each record resolved in a batch of its own, in this order.</summary>
    private async Task ResolveOneByOneAsync(params RawRecordStaged[] messages)
    {
        var resolver = service.Service.Services.GetRequiredService<IdentityResolver>();
        foreach (var message in messages)
        {
            await resolver.ResolveAsync([message], CancellationToken.None);
        }
    }

    private static List<Identifier> Ids(params string[] identifiers) =>
        identifiers.Select(i => new Identifier(i[..i.IndexOf(':', StringComparison.Ordinal)], i[(i.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToList();

    private static string Pair(Guid a, Guid b) => string.Join(" <> ", new[] { a, b }.Order());

    private async Task<List<ConflictDto>> OpenConflictsAsync(string workspace) =>
        (await service.GetJsonAsync<PageDto<ConflictDto>>($"/api/conflicts?workspaceId={workspace}")).Items;

    [Fact]
    public async Task Resolving_a_conflict_with_merge_makes_one_client_that_stays_merged_when_more_records_arrive()
    {
        var (workspace, ana, bia, conflict) = await SharedPhoneAsync();

        var result = await service.PostJsonAsync<OperatorActionDto>($"/api/conflicts/{conflict.Id}/resolve", new { decision = "merge", note = "same household account" });

        var survivor = Assert.Single(result.ClientIds);
        var merged = await service.Merges.WaitForAsync(m => m.WorkspaceId == workspace);
        Assert.Equal(survivor, merged.SurvivorClientId);
        Assert.Contains(merged.MergedClientIds.Single(), new[] { ana, bia });
        Assert.Equal("merged", (await service.GetJsonAsync<ConflictDto>($"/api/conflicts/{conflict.Id}")).Status);

        // A new record for Bia recomputes the component: the stored decision is applied again.
        await service.PublishAndSettleAsync(workspace, 3, Record(workspace, "stripe", EntityType.Contact, "cus_bia", "stripe_customer_id:cus_bia", "email:bia@example.com"));
        var client = await service.ClientAsync(Assert.Single(await service.ClientsAsync(workspace)).Id);
        Assert.Equal(survivor, client.Id);
        Assert.Equal(3, client.RecordCount);
        Assert.Empty((await service.GetJsonAsync<PageDto<ConflictDto>>($"/api/conflicts?workspaceId={workspace}")).Items);
    }

    [Fact]
    public async Task Keeping_a_conflict_apart_leaves_two_clients_and_no_conflict_reopens_when_the_component_is_recomputed()
    {
        var (workspace, ana, bia, conflict) = await SharedPhoneAsync();

        await service.PostJsonAsync<OperatorActionDto>($"/api/conflicts/{conflict.Id}/resolve", new { decision = "keep_apart" });
        await service.PublishAndSettleAsync(workspace, 3, Record(workspace, "csv", EntityType.Contact, "row-1", "email:ana@example.com", "phone:11987654321"));

        var clients = await service.ClientsAsync(workspace);
        Assert.Equal(new[] { ana, bia }.Order(), clients.Select(c => c.Id).Order());
        Assert.Equal(ana, (await service.RecordAsync(workspace, "csv", "row-1")).ClientId);
        Assert.Empty((await service.GetJsonAsync<PageDto<ConflictDto>>($"/api/conflicts?workspaceId={workspace}")).Items);
        Assert.Equal("kept_apart", (await service.GetJsonAsync<ConflictDto>($"/api/conflicts/{conflict.Id}")).Status);
        var decisions = await service.GetJsonAsync<PageDto<DecisionDto>>($"/api/identity/decisions?workspaceId={workspace}");
        Assert.Equal(("keep_apart", conflict.Id), (decisions.Items.Single().Kind, decisions.Items.Single().ConflictId));
    }

    [Fact]
    public async Task A_conflict_resolved_once_cannot_be_resolved_again_and_bad_requests_get_problem_details()
    {
        var (_, _, _, conflict) = await SharedPhoneAsync();
        await service.PostJsonAsync<OperatorActionDto>($"/api/conflicts/{conflict.Id}/resolve", new { decision = "keep_apart" });

        using var again = await service.Http.PostAsJsonAsync($"/api/conflicts/{conflict.Id}/resolve", new { decision = "merge" });
        using var unknown = await service.Http.PostAsJsonAsync($"/api/conflicts/{Guid.NewGuid()}/resolve", new { decision = "merge" });
        using var invalid = await service.Http.PostAsJsonAsync($"/api/conflicts/{conflict.Id}/resolve", new { decision = "maybe" });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (again.StatusCode, unknown.StatusCode, invalid.StatusCode));
        Assert.All(new[] { again, unknown, invalid }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Contains("kept_apart", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
