using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Resolution;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed class BlockedValueTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    private static readonly string[] Cpfs = ["52998224725", "11144477735", "98765432100", "00123456797", "39053344705"];

    [Fact]
    public async Task A_configured_blocked_email_never_links_and_a_record_holding_only_it_is_skipped()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 3,
            Record(workspace, "hotmart", EntityType.Purchase, "HP-1", "email:teste@teste.com", "phone:(11) 91111-1111"),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-2", "email:TESTE@teste.com ", "phone:(11) 92222-2222"),
            Record(workspace, "csv", EntityType.Contact, "row-3", "email:teste@teste.com"));

        Assert.Equal(2, (await service.ClientsAsync(workspace)).Count);
        var skipped = Assert.Single((await service.GetJsonAsync<SkippedRecordsDto>($"/api/identity/skipped-records?workspaceId={workspace}")).Items);
        Assert.Equal(("row-3", "only blocked identifiers"), (skipped.ExternalId, skipped.Reason));
        var blocked = await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}");
        var value = Assert.Single(blocked.Items);
        Assert.Equal(("email", "teste@teste.com", "configured", 3), (value.Kind, value.Value, value.Reason, value.RecordCount));
        Assert.Contains("teste@teste.com", blocked.Configured);

        using var unblock = await service.Http.PostAsJsonAsync($"/api/identity/blocked-values/{value.Id}/unblock", new { });
        Assert.Equal(HttpStatusCode.Conflict, unblock.StatusCode);
        Assert.Contains("IdentityResolution:BlockedValues", await unblock.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phone_shared_by_more_people_than_the_threshold_is_detected_blocked_and_the_client_built_on_it_splits()
    {
        var workspace = NewWorkspace();
        await service.PutSettingsAsync(workspace, new { blockThreshold = 3 });
        // A reseller's phone on a buyer's purchase and on two card charges: until detection it links them into
        // one client. Buyers with other CPFs never join it (two CPFs are two people), but each shows the phone.
        await service.PublishAndSettleAsync(workspace, 3,
            Record(workspace, "hotmart", EntityType.Purchase, "HP-0", "phone:(31) 3333-4444", $"cpf:{Cpfs[0]}"),
            Record(workspace, "stripe", EntityType.Charge, "ch_1", "phone:+55 31 3333-4444", "stripe_customer_id:cus_1"),
            Record(workspace, "stripe", EntityType.Charge, "ch_2", "phone:+55 31 3333-4444", "stripe_customer_id:cus_2"));
        var shared = Assert.Single(await service.ClientsAsync(workspace));
        Assert.Equal(3, shared.RecordCount);

        await service.PublishAndSettleAsync(workspace, 7, Cpfs.Skip(1).Select((cpf, i) =>
            Record(workspace, "hotmart", EntityType.Purchase, $"HP-{i + 1}", "phone:31 3333 4444", $"cpf:{cpf}")).ToArray());

        var blocked = Assert.Single((await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}&reason=detected")).Items);
        Assert.Equal(("phone", "+553133334444"), (blocked.Kind, blocked.Value));
        Assert.Contains("different cpf values", blocked.Detail, StringComparison.Ordinal);
        Assert.Equal(7, (await service.ClientsAsync(workspace)).Count);
        var split = await service.Splits.WaitForAsync(s => s.WorkspaceId == workspace && s.ClientId == shared.Id);
        Assert.All(split.Moves, m => Assert.NotNull(m.ToClientId));

        // Unblocking is an operator decision: the phone links again and detection leaves it alone.
        var result = await service.PostJsonAsync<OperatorActionDto>($"/api/identity/blocked-values/{blocked.Id}/unblock", new { note = "it is our own sales line" });
        Assert.Contains("Unblocked", result.Summary, StringComparison.Ordinal);
        Assert.Equal(5, (await service.ClientsAsync(workspace)).Count);
        Assert.Contains(await service.ClientsAsync(workspace), c => c.RecordCount == 3);
        Assert.Empty((await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}")).Items);
        await service.PublishAndSettleAsync(workspace, 8, Record(workspace, "hotmart", EntityType.Purchase, "HP-9", "phone:(31) 3333-4444", "cpf:45612378955"));
        Assert.Empty((await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}")).Items);
    }

    [Fact]
    public async Task An_operator_can_block_a_value_which_splits_the_clients_it_held_together()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "ploomes", EntityType.Contact, "PL-1", "phone:(41) 3222-1111", "cpf:52998224725"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-2", "phone:(41) 3222-1111", "email:bia@x.com"));
        Assert.Single(await service.ClientsAsync(workspace));

        await service.PostJsonAsync<OperatorActionDto>("/api/identity/blocked-values",
            new { workspaceId = workspace, kind = "phone", value = "41 3222 1111", note = "office switchboard" });

        Assert.Equal(2, (await service.ClientsAsync(workspace)).Count);
        var value = Assert.Single((await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}")).Items);
        Assert.Equal(("operator", "+554132221111"), (value.Reason, value.Value));
    }

    [Fact]
    public async Task The_same_records_give_the_same_blocked_values_and_partition_whatever_the_order_and_batching()
    {
        // A phone on four purchases with four emails, and each of those emails on three more purchases with
        // their own phones: with a threshold of 3 the phone and every email are over-shared. Which of them
        // were seen blocked first must not decide which end up blocked.
        IEnumerable<RawRecordStaged> Shared(string workspace) => Enumerable.Range(1, 4).Select(i =>
            Record(workspace, "hotmart", EntityType.Purchase, $"R-{i}", "phone:(21) 99999-0000", $"email:buyer{i}@x.com"));
        IEnumerable<RawRecordStaged> Others(string workspace) => Enumerable.Range(1, 4).SelectMany(i => Enumerable.Range(1, 3).Select(j =>
            Record(workspace, "hotmart", EntityType.Purchase, $"S-{i}-{j}", $"phone:(11) 9{i}{j}11-2233", $"email:buyer{i}@x.com")));

        var sharedFirst = await ResolvedAsync(w => [.. Shared(w), .. Others(w)], oneByOne: true);
        var othersFirst = await ResolvedAsync(w => [.. Others(w), .. Shared(w)], oneByOne: true);
        var oneBatch = await ResolvedAsync(w => [.. Others(w).Reverse(), .. Shared(w)], oneByOne: false);

        Assert.Equal(sharedFirst.Blocked, othersFirst.Blocked);
        Assert.Equal(sharedFirst.Blocked, oneBatch.Blocked);
        Assert.Equal(sharedFirst.Partition, othersFirst.Partition);
        Assert.Equal(sharedFirst.Partition, oneBatch.Partition);
        Assert.Contains("phone +5521999990000", sharedFirst.Blocked);
        Assert.Contains("email buyer1@x.com", sharedFirst.Blocked);
    }

    [Fact]
    public async Task A_detected_value_is_unblocked_when_newer_versions_leave_it_no_longer_over_shared()
    {
        RawRecordStaged[] Before(string workspace) => [.. Enumerable.Range(1, 4).Select(i =>
            Record(workspace, "hotmart", EntityType.Purchase, $"R-{i}", "phone:(21) 99999-0000", $"email:buyer{i}@x.com"))];
        RawRecordStaged Corrected(string workspace) => Record(workspace, "hotmart", EntityType.Purchase, "R-4", "email:buyer4@x.com");

        var history = await ResolvedAsync(w => [.. Before(w), Corrected(w)], oneByOne: true);
        var final = await ResolvedAsync(w => [.. Before(w).Take(3), Corrected(w)], oneByOne: true);

        Assert.Empty(final.Blocked);
        Assert.Equal(final.Blocked, history.Blocked);
        Assert.Equal(final.Partition, history.Partition);
    }

    /// <summary>Resolves the records in the order given, one per batch or all in one, and returns the blocked values and the partition.</summary>
    private async Task<(List<string> Blocked, List<string> Partition)> ResolvedAsync(
        Func<string, RawRecordStaged[]> records, bool oneByOne)
    {
        var workspace = NewWorkspace();
        await service.PutSettingsAsync(workspace, new { blockThreshold = 3 });
        var resolver = service.Service.Services.GetRequiredService<IdentityResolver>();
        var messages = records(workspace);
        foreach (var batch in oneByOne ? messages.Select(m => new[] { m }) : [messages])
        {
            await resolver.ResolveAsync(batch, CancellationToken.None);
        }
        var blocked = (await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}&pageSize=100")).Items
            .Select(v => $"{v.Kind} {v.Value}").Order(StringComparer.Ordinal).ToList();
        return (blocked, await service.PartitionAsync(workspace));
    }
}
