using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Platform.Campaigns.Domain;

namespace Platform.Campaigns.Persistence;

/// <summary>
/// Executions: launching one materialises its recipients in the launch transaction (one row per person and channel
/// step, unique, so a retried launch or a redelivered trigger adds nobody twice); advancing moves people past waits and
/// branches to their next steps; an execution completes when nobody is pending or waiting.
/// </summary>
internal sealed class ExecutionStore(NpgsqlDataSource dataSource, CampaignsOptions options)
{
    private readonly ConcurrentDictionary<Guid, Workflow> _snapshots = new();

    /// <summary>The outcome of a launch: the execution (null when the trigger key had already started one) and recipients per step.</summary>
    internal sealed record Launch(Guid? ExecutionId, IReadOnlyDictionary<string, long> Recipients);

    /// <summary>
    /// Starts an execution of <paramref name="campaign"/>: snapshots its canvas, picks the audience (only
    /// <paramref name="onlyClient"/> for a triggered run) and inserts the recipients of the first channel steps.
    /// </summary>
    public async Task<Launch> LaunchAsync(CampaignRow campaign, Workflow workflow, AudienceDefinition definition, string executionType,
        string? triggerKey, Guid? onlyClient, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var data = new JsonObject
        {
            ["workflow"] = JsonNode.Parse(campaign.WorkflowData),
            ["audience"] = JsonSerializer.SerializeToNode(definition, Json.Options),
        };
        if (onlyClient is { } c)
        {
            data["clientId"] = c.ToString();
        }
        var executionId = await connection.QuerySingleOrDefaultAsync<Guid?>("""
            insert into campaign_executions (campaign_id, workspace_id, execution_type, trigger_key, execution_data)
            values (@campaignId, @workspaceId, @executionType, @triggerKey, @data::jsonb)
            on conflict (campaign_id, trigger_key) do nothing returning id
            """, new { campaignId = campaign.Id, workspaceId = campaign.WorkspaceId, executionType, triggerKey, data = data.ToJsonString() }, transaction);
        if (executionId is null)
        {
            return new Launch(null, new Dictionary<string, long>());
        }
        var now = await connection.ExecuteScalarAsync<DateTime>("select now()", transaction: transaction);
        var steps = workflow.Next(workflow.EntryNodeId, new DateTimeOffset(now, TimeSpan.Zero), (_, _) => false, out _);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (stepId, dueAt) in steps)
        {
            var channel = workflow.Node(stepId).Str("channel")!;
            var audience = AudienceQuery.Build(campaign.WorkspaceId, definition, options.Segments, onlyClient, AudienceQuery.ChannelRequirement(channel));
            await using var insert = new NpgsqlCommand($"""
                {audience.Ctes}
                insert into campaign_recipients (campaign_id, execution_id, workspace_id, customer_id, step_id, email, phone, channel, due_at)
                select @campaign, @execution, @w, f.client_id, @step, f.email, f.phone, @channel, @due
                from ({audience.Select}) f
                on conflict (execution_id, customer_id, step_id) do nothing
                """, connection, transaction);
            // A large audience is one statement: it gets minutes, not the default 30 s.
            insert.CommandTimeout = 600;
            audience.Bind(insert.Parameters);
            insert.Parameters.AddWithValue("campaign", campaign.Id);
            insert.Parameters.AddWithValue("execution", executionId.Value);
            insert.Parameters.AddWithValue("step", stepId);
            insert.Parameters.AddWithValue("channel", channel);
            insert.Parameters.AddWithValue("due", dueAt.UtcDateTime);
            counts[stepId] = await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        data["materialised"] = JsonSerializer.SerializeToNode(counts);
        await connection.ExecuteAsync("""
            update campaign_executions set execution_data = @data::jsonb where id = @executionId;
            update campaigns set status = 'active', started_at = coalesce(started_at, now()), completed_at = null
            where id = @campaignId and status in ('draft', 'active', 'completed');
            """, new { data = data.ToJsonString(), executionId, campaignId = campaign.Id }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return new Launch(executionId, counts);
    }

    /// <summary>Active campaigns of the workspace that start on <paramref name="triggerEvent"/>.</summary>
    public async Task<IReadOnlyList<CampaignRow>> CampaignsTriggeredByAsync(string workspaceId, string triggerEvent, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var pattern = JsonSerializer.Serialize(new[] { new { type = Workflow.Trigger, data = new { kind = "event", @event = triggerEvent } } });
        return (await connection.QueryAsync<CampaignRow>(new CommandDefinition("""
            select * from campaigns where workspace_id = @workspaceId and status = 'active' and workflow_data -> 'nodes' @> @pattern::jsonb
            """, new { workspaceId, pattern }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Active schedule-triggered campaigns whose time has come and that have not run for it.</summary>
    public async Task<IReadOnlyList<CampaignRow>> DueScheduledCampaignsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CampaignRow>(new CommandDefinition("""
            select c.* from campaigns c
            where c.status = 'active' and c.scheduled_at <= now()
              and not exists (select 1 from campaign_executions e where e.campaign_id = c.id and e.trigger_key = 'schedule:' || to_char(c.scheduled_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'))
            """, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>The canvas an execution runs (its snapshot; cached, it never changes).</summary>
    public async Task<Workflow> SnapshotAsync(Guid executionId, CancellationToken cancellationToken)
    {
        if (_snapshots.TryGetValue(executionId, out var cached))
        {
            return cached;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select execution_data -> 'workflow' from campaign_executions where id = @executionId", new { executionId }, cancellationToken: cancellationToken));
        using var doc = JsonDocument.Parse(json ?? "{}");
        var (workflow, errors) = Workflow.Parse(doc.RootElement);
        if (workflow is null)
        {
            throw new InvalidOperationException($"Execution {executionId} has an invalid workflow snapshot: {string.Join(" ", errors.Values.SelectMany(v => v))}");
        }
        return _snapshots[executionId] = workflow;
    }

    /// <summary>
    /// Moves every running execution forward: rows sent (or failed) get their successors materialised (or none), and an
    /// execution with nobody pending or waiting completes (a manual or scheduled campaign completes with it).
    /// Returns how many recipient rows were added.
    /// </summary>
    public async Task<int> AdvanceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var running = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "select id from campaign_executions where status = 'running'", cancellationToken: cancellationToken))).AsList();
        var added = 0;
        foreach (var executionId in running)
        {
            var workflow = await SnapshotAsync(executionId, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                update campaign_recipients set advanced_at = now()
                where execution_id = @executionId and advanced_at is null
                  and (status = 'failed' or (sent_at is not null and step_id = any(@terminal)))
                """, new { executionId, terminal = workflow.TerminalChannelIds.ToArray() }, transaction, cancellationToken: cancellationToken));
            var rows = (await connection.QueryAsync<AdvanceRow>(new CommandDefinition("""
                select id, campaign_id, workspace_id, customer_id, step_id, email, phone, sent_at, opened_at, clicked_at
                from campaign_recipients
                where execution_id = @executionId and advanced_at is null and sent_at is not null and status <> 'failed'
                limit 5000
                """, new { executionId }, transaction, cancellationToken: cancellationToken))).AsList();
            var now = DateTimeOffset.UtcNow;
            var advanced = new List<Guid>();
            var next = new List<(AdvanceRow Row, string Step, DateTimeOffset Due)>();
            foreach (var row in rows)
            {
                var sentAt = new DateTimeOffset(row.SentAt!.Value, TimeSpan.Zero);
                var steps = workflow.Next(row.StepId, sentAt, (on, at) =>
                {
                    if (at > now)
                    {
                        return null;
                    }
                    var when = on == "clicked" ? row.ClickedAt : row.OpenedAt;
                    return when is not null && new DateTimeOffset(when.Value, TimeSpan.Zero) <= at;
                }, out var undecided);
                if (undecided)
                {
                    continue;
                }
                advanced.Add(row.Id);
                next.AddRange(steps.Select(s => (row, s.StepId, s.DueAt)));
            }
            if (next.Count > 0)
            {
                added += await connection.ExecuteAsync(new CommandDefinition("""
                    insert into campaign_recipients (campaign_id, execution_id, workspace_id, customer_id, step_id, email, phone, channel, due_at)
                    select campaign_id, @executionId, workspace_id, customer_id, step_id, email, phone, channel, due_at
                    from unnest(@campaigns, @workspaces, @customers, @steps, @emails, @phones, @channels, @dues)
                        as n(campaign_id, workspace_id, customer_id, step_id, email, phone, channel, due_at)
                    on conflict (execution_id, customer_id, step_id) do nothing
                    """, new
                {
                    executionId,
                    campaigns = next.Select(n => n.Row.CampaignId).ToArray(),
                    workspaces = next.Select(n => n.Row.WorkspaceId).ToArray(),
                    customers = next.Select(n => n.Row.CustomerId).ToArray(),
                    steps = next.Select(n => n.Step).ToArray(),
                    emails = next.Select(n => n.Row.Email).ToArray(),
                    phones = next.Select(n => n.Row.Phone).ToArray(),
                    channels = next.Select(n => workflow.Node(n.Step).Str("channel")!).ToArray(),
                    dues = next.Select(n => n.Due.UtcDateTime).ToArray(),
                }, transaction, cancellationToken: cancellationToken));
            }
            if (advanced.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition("update campaign_recipients set advanced_at = now() where id = any(@advanced)",
                    new { advanced = advanced.ToArray() }, transaction, cancellationToken: cancellationToken));
            }
            await connection.ExecuteAsync(new CommandDefinition("""
                with done as (
                    update campaign_executions e set status = 'completed', completed_at = now(), metrics = (
                        select jsonb_build_object(
                            'recipients', count(*), 'sent', count(*) filter (where sent_at is not null),
                            'delivered', count(*) filter (where delivered_at is not null), 'opened', count(*) filter (where opened_at is not null),
                            'clicked', count(*) filter (where clicked_at is not null), 'failed', count(*) filter (where status = 'failed'))
                        from campaign_recipients where execution_id = e.id)
                    where e.id = @executionId and e.status = 'running'
                      and not exists (select 1 from campaign_recipients r where r.execution_id = e.id and (r.status = 'pending' or r.advanced_at is null))
                    returning e.campaign_id, e.execution_type
                )
                update campaigns c set status = 'completed', completed_at = now()
                from done where c.id = done.campaign_id and done.execution_type in ('manual', 'scheduled') and c.status = 'active'
                  and not exists (select 1 from campaign_executions o where o.campaign_id = c.id and o.status = 'running' and o.id <> @executionId)
                  and not (c.workflow_data -> 'nodes' @> '[{"type": "trigger", "data": {"kind": "event"}}]'::jsonb)
                """, new { executionId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
        return added;
    }

    public async Task<(IReadOnlyList<ExecutionRow> Rows, int Total)> ListAsync(string workspaceId, Guid campaignId, int skip, int take)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var args = new { workspaceId, campaignId, skip, take };
        var total = await connection.ExecuteScalarAsync<int>(
            "select count(*) from campaign_executions where workspace_id = @workspaceId and campaign_id = @campaignId", args);
        var rows = await connection.QueryAsync<ExecutionRow>("""
            select * from campaign_executions where workspace_id = @workspaceId and campaign_id = @campaignId
            order by started_at desc, id offset @skip limit @take
            """, args);
        return (rows.AsList(), total);
    }

    public async Task<ExecutionRow?> GetAsync(string workspaceId, Guid campaignId, Guid executionId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ExecutionRow>(
            "select * from campaign_executions where workspace_id = @workspaceId and campaign_id = @campaignId and id = @executionId",
            new { workspaceId, campaignId, executionId });
    }

    /// <summary>Live counts of an execution's recipients by status.</summary>
    public async Task<Dictionary<string, long>> CountsAsync(Guid executionId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string Status, long Count)>(
            "select status, count(*) from campaign_recipients where execution_id = @executionId group by status", new { executionId });
        return rows.ToDictionary(r => r.Status, r => r.Count, StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyList<RecipientRow> Rows, int Total)> RecipientsAsync(Guid executionId, string? status, int skip, int take)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var args = new { executionId, status, skip, take };
        var total = await connection.ExecuteScalarAsync<int>(
            "select count(*) from campaign_recipients where execution_id = @executionId and (@status::text is null or status = @status)", args);
        var rows = await connection.QueryAsync<RecipientRow>("""
            select * from campaign_recipients where execution_id = @executionId and (@status::text is null or status = @status)
            order by created_at, id offset @skip limit @take
            """, args);
        return (rows.AsList(), total);
    }

    public async Task<MetricsRow?> MetricsAsync(string workspaceId, Guid campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<MetricsRow>(
            "select * from campaign_metrics where workspace_id = @workspaceId and campaign_id = @campaignId", new { workspaceId, campaignId });
    }

    public async Task<IReadOnlyList<ActiveCampaignRow>> ActiveAsync(string workspaceId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<ActiveCampaignRow>(
            "select * from active_campaigns where workspace_id = @workspaceId order by started_at desc nulls last, id", new { workspaceId })).AsList();
    }

#pragma warning disable CA1812 // Instantiated by Dapper.
    private sealed class AdvanceRow
    {
        public Guid Id { get; set; }
        public Guid CampaignId { get; set; }
        public string WorkspaceId { get; set; } = "";
        public Guid CustomerId { get; set; }
        public string StepId { get; set; } = "";
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public DateTime? SentAt { get; set; }
        public DateTime? OpenedAt { get; set; }
        public DateTime? ClickedAt { get; set; }
    }
#pragma warning restore CA1812
}
