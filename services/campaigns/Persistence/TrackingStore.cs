using Dapper;
using Npgsql;

namespace Platform.Campaigns.Persistence;

/// <summary>Opens, clicks and unsubscribes, by a recipient's tracking token. Repeats change nothing (first time wins).</summary>
internal sealed class TrackingStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records an open; the recipient's execution and step when the token is known. A message can be opened before its
    /// row is settled as sent (the SMTP server accepted it a moment before), so an attempted row counts.
    /// </summary>
    public async Task<(Guid ExecutionId, string StepId)?> OpenedAsync(string token)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return Found(await connection.QuerySingleOrDefaultAsync<(Guid, string)>("""
            update campaign_recipients set opened_at = coalesce(opened_at, now()),
                status = case when status in ('sent', 'delivered') then 'opened' else status end
            where tracking_token = @token and attempted_at is not null returning execution_id, step_id
            """, new { token }));
    }

    /// <summary>Records a click (a click is also an open).</summary>
    public async Task<(Guid ExecutionId, string StepId)?> ClickedAsync(string token)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return Found(await connection.QuerySingleOrDefaultAsync<(Guid, string)>("""
            update campaign_recipients set opened_at = coalesce(opened_at, now()), clicked_at = coalesce(clicked_at, now()),
                status = case when status in ('sent', 'delivered', 'opened') then 'clicked' else status end
            where tracking_token = @token and attempted_at is not null returning execution_id, step_id
            """, new { token }));
    }

    private static (Guid, string)? Found((Guid ExecutionId, string StepId) row) => row.ExecutionId == Guid.Empty ? null : row;

    /// <summary>Opts the person out of every campaign of the workspace; false for an unknown token.</summary>
    public async Task<bool> UnsubscribeAsync(string token)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            update audience_members m set opted_out_at = coalesce(m.opted_out_at, now())
            from campaign_recipients r where r.tracking_token = @token and m.client_id = r.customer_id
            """, new { token }) > 0;
    }
}
