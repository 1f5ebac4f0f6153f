using Dapper;
using Npgsql;
using Platform.Campaigns.Domain;

namespace Platform.Campaigns.Persistence;

/// <summary>
/// The delivery bookkeeping that makes "never twice" hold across crashes: a worker claims due rows for a lease, marks a
/// row attempted (in its own commit) just before sending it, and settles it right after. A row attempted but never
/// settled — the process died mid-send — is failed as interrupted instead of being sent again (ManyChat rows are sent
/// again: the connector keys on the row id).
/// </summary>
internal sealed class DeliveryStore(NpgsqlDataSource dataSource, CampaignsOptions options)
{
    public const string InterruptedReason =
        "delivery was interrupted (the service stopped while sending); not retried so that nobody gets the message twice";

    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, options.Delivery.LeaseSeconds));

    /// <summary>Due rows of active campaigns, claimed by <paramref name="worker"/>, with what sending needs of the person.</summary>
    public async Task<IReadOnlyList<Claimed>> ClaimAsync(Guid worker, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Claimed>(new CommandDefinition("""
            with due as (
                select r.id from campaign_recipients r join campaigns c on c.id = r.campaign_id
                where r.status = 'pending' and r.attempted_at is null and r.due_at <= now()
                  and (r.claimed_until is null or r.claimed_until < now()) and c.status = 'active'
                order by r.due_at, r.id
                limit @take
                for update of r skip locked
            )
            update campaign_recipients r set claimed_by = @worker, claimed_until = now() + @lease
            from due where r.id = due.id
            returning r.id, r.campaign_id, r.execution_id, r.workspace_id, r.customer_id, r.step_id, r.email, r.phone, r.channel, r.tracking_token,
                (select m.opted_out_at is not null from audience_members m where m.client_id = r.customer_id) as opted_out,
                (select coalesce(m.first_name, m.display_name) from audience_members m where m.client_id = r.customer_id) as first_name,
                (select m.display_name from audience_members m where m.client_id = r.customer_id) as display_name,
                (select m.manychat_subscriber_id from audience_members m where m.client_id = r.customer_id) as manychat_subscriber_id
            """, new { worker, take = Math.Max(1, options.Delivery.BatchSize), lease = Lease }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Marks the row attempted (committed before the send); false when it is no longer this worker's to send.</summary>
    public async Task<bool> AttemptAsync(Guid worker, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            update campaign_recipients set attempted_at = now(), claimed_until = now() + @lease
            where id = @id and claimed_by = @worker and status = 'pending' and attempted_at is null
            """, new { id, worker, lease = Lease }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Settles a sent row: delivered (SMTP accepted, webhook 2xx) or only sent (handed to the ManyChat connector).</summary>
    public async Task SentAsync(Guid id, bool delivered, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            update campaign_recipients set sent_at = now(),
                status = case when clicked_at is not null then 'clicked' when opened_at is not null then 'opened'
                              when @delivered then 'delivered' else 'sent' end,
                delivered_at = case when @delivered then now() end, claimed_by = null, claimed_until = null
            where id = @id and status = 'pending'
            """, new { id, delivered }, cancellationToken: cancellationToken));
    }

    public async Task FailedAsync(Guid id, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            update campaign_recipients set status = 'failed', failure_reason = @reason, claimed_by = null, claimed_until = null
            where id = @id and status in ('pending', 'sent')
            """, new { id, reason }, cancellationToken: cancellationToken));
    }

    /// <summary>The ManyChat connector's answer: delivered, or failed with its reason.</summary>
    public async Task ManyChatAnsweredAsync(Guid id, string? failure, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(failure is null
            ? "update campaign_recipients set status = 'delivered', delivered_at = coalesce(delivered_at, now()), sent_at = coalesce(sent_at, now()) where id = @id and status in ('pending', 'sent')"
            : "update campaign_recipients set status = 'failed', failure_reason = @failure where id = @id and status in ('pending', 'sent')",
            new { id, failure }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Rows whose sender died mid-send (attempted, never settled, lease over): email and webhook rows fail as interrupted,
    /// ManyChat rows go back to pending. Returns how many rows it touched.
    /// </summary>
    public async Task<int> RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            -- Opened or clicked: it did arrive.
            update campaign_recipients set status = case when clicked_at is not null then 'clicked' else 'opened' end,
                sent_at = attempted_at, delivered_at = attempted_at, claimed_by = null, claimed_until = null
            where status = 'pending' and attempted_at is not null and claimed_until < now() and opened_at is not null;
            update campaign_recipients set status = 'failed', failure_reason = @reason, claimed_by = null, claimed_until = null
            where status = 'pending' and attempted_at is not null and claimed_until < now() and channel <> 'manychat';
            update campaign_recipients set attempted_at = null, claimed_by = null, claimed_until = null
            where status = 'pending' and attempted_at is not null and claimed_until < now() and channel = 'manychat';
            """, new { reason = InterruptedReason }, cancellationToken: cancellationToken));
    }

    /// <summary>What sending one row needs.</summary>
#pragma warning disable CA1812 // Instantiated by Dapper.
    internal sealed class Claimed
    {
        public Guid Id { get; set; }
        public Guid CampaignId { get; set; }
        public Guid ExecutionId { get; set; }
        public string WorkspaceId { get; set; } = "";
        public Guid CustomerId { get; set; }
        public string StepId { get; set; } = "";
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public string Channel { get; set; } = "";
        public string TrackingToken { get; set; } = "";
        public bool? OptedOut { get; set; }
        public string? FirstName { get; set; }
        public string? DisplayName { get; set; }
        public string? ManychatSubscriberId { get; set; }
    }
#pragma warning restore CA1812
}
