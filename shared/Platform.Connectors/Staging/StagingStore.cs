using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Connectors.Staging;

/// <summary>A record a connector read, about to be staged: the vendor payload untouched and its mapping.</summary>
/// <param name="Stream">The stream it came from (<c>customers</c>, <c>charges</c>…; webhooks use the object's stream).</param>
/// <param name="Payload">The vendor payload exactly as received.</param>
/// <param name="Record">The canonical mapping.</param>
public sealed record StagedRecordInput(string Stream, string Payload, CanonicalRecord Record);

/// <summary>Who is staging: the workspace, the run (null for webhooks), the correlation id and the unify mode.</summary>
public sealed record StagingContext(string WorkspaceId, Guid CorrelationId, Guid? SyncRunId = null, UnifyMode Unify = UnifyMode.Now);

/// <summary>Outcome of staging one webhook event.</summary>
/// <param name="Duplicate">The vendor event id was seen before; nothing was staged.</param>
/// <param name="NewRows">Rows staged (payloads already staged before are not counted).</param>
public sealed record WebhookStageResult(bool Duplicate, int NewRows);

/// <summary>
/// Writes raw rows in bulk (one multi-row <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING</c> per page).
/// The table is the outbox: the relay publishes what commits here.
/// </summary>
public sealed class StagingStore(NpgsqlDataSource dataSource, RelaySignal relay, TimeProvider clock)
{
    private const string InsertSql = """
        insert into raw_records (workspace_id, stream, entity_type, external_id, source_updated_at, payload,
                                 payload_hash, canonical, sync_run_id, correlation_id, received_at, unify)
        select @workspace, s.stream, s.entity_type, s.external_id, s.updated_at, s.payload,
               s.hash, s.canonical::jsonb, @run, @correlation, @now, @unify
        from unnest(@streams, @entity_types, @external_ids, @updated_ats, @payloads, @hashes, @canonicals)
             with ordinality as s(stream, entity_type, external_id, updated_at, payload, hash, canonical, ord)
        order by s.ord
        on conflict (workspace_id, entity_type, external_id, payload_hash) do nothing
        returning id
        """;

    /// <summary>Stages a page inside the caller's transaction (so a page and its checkpoint commit together).</summary>
    /// <returns>How many rows were new.</returns>
    public async Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<StagedRecordInput> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return 0;
        }
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Uuid) { Value = (object?)context.SyncRunId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<Guid>("correlation", context.CorrelationId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter<string>("unify", context.Unify == UnifyMode.Deferred ? "deferred" : "now"));
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", records.Select(r => r.Stream).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("entity_types", records.Select(r => r.Record.EntityType.ToString()).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("external_ids", records.Select(r => r.Record.ExternalId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("updated_ats", records.Select(r => r.Record.SourceUpdatedAt.UtcDateTime).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("payloads", records.Select(r => r.Payload).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", records.Select(r => CanonicalJson.PayloadHash(r.Payload)).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("canonicals",
            records.Select(r => JsonSerializer.Serialize(r.Record, CanonicalJson.Options)).ToArray()));
        var inserted = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted++;
        }
        // Counted at insert: a page whose transaction then rolls back is counted again when it is retried.
        PlatformMetrics.RecordsStaged(inserted);
        return inserted;
    }

    /// <summary>Whether a vendor event id was already staged for the workspace.</summary>
    public async Task<bool> IsKnownWebhookEventAsync(string workspaceId, string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from webhook_events where workspace_id = @workspace and event_id = @event)");
        command.Parameters.Add(new NpgsqlParameter<string>("workspace", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<string>("event", eventId));
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Stages one verified webhook event: the event id and its records commit together, so the vendor gets
    /// 2xx only after the rows are durable, and a redelivered event id stages nothing.
    /// </summary>
    public async Task<WebhookStageResult> StageWebhookAsync(StagingContext context, string eventId, string eventType, string body,
        IReadOnlyList<StagedRecordInput> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var seen = new NpgsqlCommand("""
            insert into webhook_events (workspace_id, event_id, event_type, body, received_at, record_count)
            values (@workspace, @event, @type, @body, @now, @count)
            on conflict do nothing
            """, connection, transaction))
        {
            seen.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
            seen.Parameters.Add(new NpgsqlParameter<string>("event", eventId));
            seen.Parameters.Add(new NpgsqlParameter<string>("type", eventType));
            seen.Parameters.Add(new NpgsqlParameter<string>("body", body));
            seen.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
            seen.Parameters.Add(new NpgsqlParameter<int>("count", records.Count));
            if (await seen.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return new WebhookStageResult(Duplicate: true, NewRows: 0);
            }
        }
        var inserted = await StageAsync(connection, transaction, context, records, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        relay.Notify();
        return new WebhookStageResult(Duplicate: false, NewRows: inserted);
    }
}
