using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.Records;
using Platform.Testing;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed record RecomputeJobDto(
    Guid Id, string WorkspaceId, string State, string Reason, string? RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, int? ComponentsTotal, int ComponentsDone, int RecordsDone, string? Error);

/// <summary>Settings and blocked-list changes reach the records a workspace already holds, through a recompute job.</summary>
public sealed class RecomputeJobTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    [Fact]
    public async Task Raising_the_email_limit_merges_the_clients_a_shared_phone_kept_apart_without_any_new_record()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "csv", EntityType.Contact, "A", "email:ana@example.com", "phone:(11) 91234-5678"),
            Record(workspace, "csv", EntityType.Contact, "B", "email:bia@example.com", "phone:11912345678"));
        Assert.Equal(2, (await service.ClientsAsync(workspace)).Count);

        await service.PutSettingsAsync(workspace, new { limits = new { email = 2 } });
        var job = await JobDoneAsync(workspace);

        var client = Assert.Single(await service.ClientsAsync(workspace));
        Assert.Equal(2, client.RecordCount);
        await service.Merges.WaitForAsync(m => m.WorkspaceId == workspace && m.SurvivorClientId == client.Id);
        await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.ClientId == client.Id && u.RecordCount == 2);
        Assert.Equal((1, 1, 2), (job.ComponentsTotal, job.ComponentsDone, job.RecordsDone));
        Assert.Contains("settings changed", job.Reason, StringComparison.Ordinal);
        Assert.NotNull(job.StartedAt);
        Assert.True(job.FinishedAt >= job.StartedAt);
        Assert.Null(job.Error);
    }

    [Fact]
    public async Task Lowering_the_block_threshold_blocks_an_over_shared_email_and_splits_the_client_it_joined()
    {
        var workspace = NewWorkspace();
        await service.PutSettingsAsync(workspace, new { limits = new { phone = 5 } });
        await JobDoneAsync(workspace);
        await service.PublishAndSettleAsync(workspace, 3,
            Record(workspace, "csv", EntityType.Contact, "C1", "email:loja@example.com", "phone:(21) 98111-1111"),
            Record(workspace, "csv", EntityType.Contact, "C2", "email:loja@example.com", "phone:(21) 98222-2222"),
            Record(workspace, "csv", EntityType.Contact, "C3", "email:loja@example.com", "phone:(21) 98333-3333"));
        var joined = Assert.Single(await service.ClientsAsync(workspace));
        Assert.Equal(3, joined.RecordCount);

        await service.PutSettingsAsync(workspace, new { limits = new { phone = 5 }, blockThreshold = 2 });
        var job = await JobDoneAsync(workspace);

        var blocked = Assert.Single((await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}")).Items);
        Assert.Equal(("email", "loja@example.com", "detected"), (blocked.Kind, blocked.Value, blocked.Reason));
        var clients = await service.ClientsAsync(workspace);
        Assert.Equal(3, clients.Count);
        Assert.All(clients, c => Assert.Equal(1, c.RecordCount));
        var split = await service.Splits.WaitForAsync(s => s.WorkspaceId == workspace && s.ClientId == joined.Id);
        Assert.Equal(2, split.Moves.Count);
        // One component: the client being taken apart is recomputed whole, in one transaction.
        Assert.Equal((1, 1, 3), (job.ComponentsTotal, job.ComponentsDone, job.RecordsDone));
    }

    [Fact]
    public async Task A_value_added_to_the_configured_blocked_list_splits_the_clients_it_joined_when_an_instance_starts_with_it()
    {
        var workspace = NewWorkspace();
        var email = $"compras-{Guid.NewGuid():N}@example.com";
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "hotmart", EntityType.Purchase, "HP-1", $"email:{email}", "phone:(31) 98765-0001"),
            Record(workspace, "csv", EntityType.Contact, "row-2", $"email:{email}", "phone:(31) 98765-0002"));
        var joined = Assert.Single(await service.ClientsAsync(workspace));

        // A new deployment with the value on the list: no record of this workspace arrives, yet its clients split.
        await using var redeployed = new ServiceFactory<Program>(service.Database, service.VirtualHost,
            new Dictionary<string, string?> { ["IdentityResolution:BlockedValues:40"] = email });
        using var http = redeployed.CreateClient();
        var job = await JobDoneAsync(workspace);

        Assert.Contains("configured blocked list", job.Reason, StringComparison.Ordinal);
        var blocked = Assert.Single((await service.GetJsonAsync<BlockedValuesDto>($"/api/identity/blocked-values?workspaceId={workspace}")).Items);
        Assert.Equal((email, "configured"), (blocked.Value, blocked.Reason));
        var clients = await service.ClientsAsync(workspace);
        Assert.Equal(2, clients.Count);
        await service.Splits.WaitForAsync(s => s.WorkspaceId == workspace && s.ClientId == joined.Id);
    }

    [Fact]
    public async Task An_operator_starts_a_recompute_and_follows_its_progress_to_done()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "csv", EntityType.Contact, "R1", "email:um@example.com"),
            Record(workspace, "csv", EntityType.Contact, "R2", "email:um@example.com", "phone:(41) 98888-0001"),
            Record(workspace, "csv", EntityType.Contact, "R3", "email:dois@example.com"),
            Record(workspace, "csv", EntityType.Contact, "R4", "email:nao-e-email"));
        var before = await service.PartitionAsync(workspace);

        using var missing = await service.Http.GetAsync(new Uri($"/api/identity/recompute?workspaceId={workspace}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var invalid = await service.Http.PostAsJsonAsync(new Uri("/api/identity/recompute", UriKind.Relative), new { });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("workspaceId", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var started = await service.Http.PostAsJsonAsync(new Uri($"/api/identity/recompute?workspaceId={workspace}", UriKind.Relative), new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal($"/api/identity/recompute?workspaceId={workspace}", started.Headers.Location?.OriginalString);
        var queued = (await started.Content.ReadFromJsonAsync<RecomputeJobDto>())!;
        var job = await JobDoneAsync(workspace);

        Assert.Equal(queued.Id, job.Id);
        Assert.Equal("asked for by an operator", job.Reason);
        Assert.Equal((3, 3, 4), (job.ComponentsTotal, job.ComponentsDone, job.RecordsDone));
        Assert.Equal(before, await service.PartitionAsync(workspace));
    }

    [Fact]
    public async Task A_job_left_running_by_a_stopped_instance_is_resumed_after_the_last_component_it_finished()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "csv", EntityType.Contact, "A1", "email:a1@example.com", "phone:(85) 98111-0001"),
            Record(workspace, "csv", EntityType.Contact, "A2", "email:a2@example.com", "phone:(85) 98111-0001"));
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "csv", EntityType.Contact, "B1", "email:b1@example.com", "phone:(85) 98222-0002"),
            Record(workspace, "csv", EntityType.Contact, "B2", "email:b2@example.com", "phone:(85) 98222-0002"));
        Assert.Equal(4, (await service.ClientsAsync(workspace)).Count);
        var a = Math.Min((await service.RecordAsync(workspace, "csv", "A1")).RecordId, (await service.RecordAsync(workspace, "csv", "A2")).RecordId);

        // New settings, and the job an instance was running when it stopped: it had finished the component of A
        // (its progress committed with it) and its lease has run out.
        await using (var connection = new Npgsql.NpgsqlConnection(service.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""
                insert into "identity-resolution".workspace_settings (workspace_id, settings, updated_at)
                values (@w, '{"limits": {"email": 2}}', now());
                insert into "identity-resolution".recompute_jobs
                    (id, workspace_id, state, reason, requested_at, started_at, components_total, components_done, records_done,
                     resume_after, lease_owner, lease_until, attempts)
                values (gen_random_uuid(), @w, 'running', 'the workspace''s identity settings changed', now(), now(), 2, 1, 2,
                        @a, 'a stopped instance', now() - interval '1 second', 1);
                """, connection);
            command.Parameters.AddWithValue("w", workspace);
            command.Parameters.AddWithValue("a", a);
            await command.ExecuteNonQueryAsync();
        }
        var job = await JobDoneAsync(workspace);

        Assert.Equal((2, 2, 4), (job.ComponentsTotal, job.ComponentsDone, job.RecordsDone));
        var partition = await service.PartitionAsync(workspace);
        Assert.Contains("csv/contact/B1,csv/contact/B2", partition);
        // A was done before the stop: the resumed job does not redo it (here the settings were written without a job,
        // so it shows which components the resumed job recomputed).
        Assert.Contains("csv/contact/A1", partition);
        Assert.Contains("csv/contact/A2", partition);
    }

    /// <summary>Waits until the workspace's newest job is done, and returns it.</summary>
    private async Task<RecomputeJobDto> JobDoneAsync(string workspace)
    {
        RecomputeJobDto? job = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await service.Http.GetAsync(new Uri($"/api/identity/recompute?workspaceId={workspace}", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            job = await response.Content.ReadFromJsonAsync<RecomputeJobDto>();
            Assert.NotEqual("failed", job!.State);
            return job.State == "done";
        }, $"the recompute of workspace {workspace} is done", TimeSpan.FromSeconds(60));
        return job!;
    }
}
