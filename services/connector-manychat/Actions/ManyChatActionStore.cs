using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Campaigns;

namespace Platform.Connectors.ManyChat.Actions;

/// <summary>What the connector recorded about one action: where it stands and ManyChat's answer.</summary>
public sealed record ManyChatActionRow(Guid ActionId, string Status, int Attempts, string? Answer, string? Reason,
    DateTimeOffset? ClaimedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// manychat_actions: one row per <see cref="RunManyChatAction.ActionId"/>. ManyChat is called only by whoever moves the row
/// from <c>pending</c> to <c>calling</c>, so a redelivered or duplicated command never calls it twice.
/// </summary>
public sealed class ManyChatActionStore(NpgsqlDataSource dataSource)
{
    public const string Pending = "pending";
    public const string Calling = "calling";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>Records the command (a second one with the same action id adds nothing).</summary>
    public async Task RecordAsync(RunManyChatAction action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await using var command = dataSource.CreateCommand("""
            insert into manychat_actions (action_id, workspace_id, correlation_id, campaign_id, client_id, subscriber_id, kind, flow_ns,
                                          tag_name, status, attempts, requested_at)
            values (@id, @ws, @correlation, @campaign, @client, @subscriber, @kind, @flow, @tag, 'pending', 0, @now)
            on conflict (action_id) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", action.ActionId));
        command.Parameters.Add(new NpgsqlParameter<string>("ws", action.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("correlation", action.CorrelationId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("campaign", action.CampaignId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("client", action.ClientId));
        command.Parameters.Add(new NpgsqlParameter<string>("subscriber", action.SubscriberId ?? ""));
        command.Parameters.Add(new NpgsqlParameter<string>("kind", action.Kind ?? ""));
        command.Parameters.Add(new NpgsqlParameter("flow", NpgsqlDbType.Text) { Value = (object?)action.FlowNs ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("tag", NpgsqlDbType.Text) { Value = (object?)action.TagName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes a pending action for one call to ManyChat (committed before the call); null when someone else holds or finished it.</summary>
    public async Task<int?> ClaimAsync(Guid actionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update manychat_actions set status = 'calling', attempts = attempts + 1, claimed_at = @now
            where action_id = @id and status = 'pending'
            returning attempts
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", actionId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        return await command.ExecuteScalarAsync(cancellationToken) is int attempts ? attempts : null;
    }

    /// <summary>Ends an action (or, with <see cref="Pending"/>, gives it back after a failure ManyChat did not act on).</summary>
    public async Task SaveAsync(Guid actionId, string status, string? answer, string? reason, DateTimeOffset? finishedAt,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update manychat_actions set status = @status, answer = @answer, reason = @reason, finished_at = @finished
            where action_id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", actionId));
        command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        command.Parameters.Add(new NpgsqlParameter("answer", NpgsqlDbType.Text) { Value = (object?)answer ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("finished", NpgsqlDbType.TimestampTz) { Value = finishedAt is { } f ? f.UtcDateTime : DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ManyChatActionRow?> GetAsync(Guid actionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select action_id, status, attempts, answer, reason, claimed_at, finished_at from manychat_actions where action_id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", actionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new ManyChatActionRow(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
    }
}
