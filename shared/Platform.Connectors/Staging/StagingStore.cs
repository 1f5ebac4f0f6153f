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
/// Writes raw rows in bulk: a page is binary-COPYed into a temporary table, then moved by one
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> that also queues the new rows in the outbox. A version is the payload
/// and its canonical mapping: the same payload mapped differently (a corrected mapping, Hotmart's buyer details added)
/// is a new version; the same payload mapped the same way (whenever it was read: the canonical hash leaves out
/// sourceUpdatedAt) is one row however often it arrives. raw_records is the
/// outbox's data; raw_record_outbox holds the ids the relay must still publish.
/// </summary>
public sealed class StagingStore(NpgsqlDataSource dataSource, RelaySignal relay, TimeProvider clock)
{
    private const string CreateBatchSql = """
        create temp table if not exists staging_batch (
            ord integer, stream text, entity_type text, external_id text, updated_at timestamptz, payload text, hash bytea, canonical jsonb
        ) on commit delete rows
        """;

    private const string CopySql = """
        copy staging_batch (ord, stream, entity_type, external_id, updated_at, payload, hash, canonical) from stdin (format binary)
        """;

    private const string MoveSql = """
        with inserted as (
            insert into raw_records (workspace_id, stream, entity_type, external_id, source_updated_at, payload,
                                     payload_hash, canonical, canonical_hash, sync_run_id, correlation_id, received_at, unify)
            select @workspace, b.stream, b.entity_type, b.external_id, b.updated_at, b.payload,
                   b.hash, b.canonical, sha256(convert_to((b.canonical - 'sourceUpdatedAt')::text, 'UTF8')), @run, @correlation, @now, @unify
            from staging_batch b
            order by b.ord
            on conflict (workspace_id, entity_type, external_id, payload_hash, canonical_hash) do nothing
            returning id),
        queued as (
            insert into raw_record_outbox (id) select id from inserted where @unify = 'now')
        select count(*)::int from inserted
        """;

    /// <summary>Stages a page inside the caller's transaction (so a page and its checkpoint commit together).</summary>
    /// <returns>How many rows were new.</returns>
    public async Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<StagedRecordInput> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return 0;
        }
        await using (var create = new NpgsqlCommand(CreateBatchSql, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var importer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken))
        {
            for (var i = 0; i < records.Count; i++)
            {
                var record = records[i];
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(record.Stream, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.Record.EntityType.ToString(), NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.Record.ExternalId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.Record.SourceUpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(record.Payload, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(CanonicalJson.PayloadHash(record.Payload), NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(JsonSerializer.Serialize(record.Record, CanonicalJson.Options), NpgsqlDbType.Jsonb, cancellationToken);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        await using var move = new NpgsqlCommand(MoveSql, connection, transaction);
        move.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
        move.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Uuid) { Value = (object?)context.SyncRunId ?? DBNull.Value });
        move.Parameters.Add(new NpgsqlParameter<Guid>("correlation", context.CorrelationId));
        move.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
        move.Parameters.Add(new NpgsqlParameter<string>("unify", context.Unify == UnifyMode.Deferred ? "deferred" : "now"));
        var inserted = (int)(await move.ExecuteScalarAsync(cancellationToken))!;
        // The batch table empties at commit; a caller that stages twice in one transaction must not see the first page again.
        await using (var clear = new NpgsqlCommand("truncate staging_batch", connection, transaction))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
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
