using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Connectors.Privacy;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Connectors.Staging;

/// <summary>A record a connector read, about to be staged: the vendor payload untouched and its mapping.</summary>
/// <param name="Stream">The stream it came from (<c>customers</c>, <c>charges</c>…; webhooks use the object's stream).</param>
/// <param name="Payload">The vendor payload exactly as received.</param>
/// <param name="Record">The canonical mapping.</param>
public sealed record StagedRecordInput(string Stream, string Payload, CanonicalRecord Record);

/// <summary>
/// A record ready for COPY: its mapping already serialized and its version hash already computed. Connectors stage
/// <see cref="StagedRecordInput"/>; file imports prepare rows off the staging connection (while the previous batch
/// is written) and give their own payload hash (the row's values, not its line), so both paths share one COPY and
/// one upsert.
/// </summary>
/// <param name="Stream">The stream.</param>
/// <param name="EntityType">The canonical entity type, as stored.</param>
/// <param name="ExternalId">The source's id.</param>
/// <param name="SourceUpdatedAt">When the source last changed it.</param>
/// <param name="Payload">The payload as stored.</param>
/// <param name="PayloadHash">SHA-256 identifying the payload's version.</param>
/// <param name="Canonical">The canonical record as JSON (<see cref="CanonicalJson.Options"/>).</param>
public sealed record PreparedRecord(string Stream, string EntityType, string ExternalId, DateTimeOffset SourceUpdatedAt, string Payload,
    byte[] PayloadHash, string Canonical)
{
    /// <summary>The mapping's half of the version key (<see cref="CanonicalJson.MappingHash"/>), computed where the record is prepared.</summary>
    public byte[] CanonicalHash { get; } = CanonicalJson.MappingHash(Canonical);

    /// <summary>Serializes the mapping and fingerprints the payload of a connector's record.</summary>
    public static PreparedRecord From(StagedRecordInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var record = input.Record;
        return new PreparedRecord(input.Stream, record.EntityType.ToString(), record.ExternalId, record.SourceUpdatedAt, input.Payload,
            CanonicalJson.PayloadHash(input.Payload), JsonSerializer.Serialize(record, CanonicalJson.Options));
    }
}

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
/// outbox's data; raw_record_outbox holds the ids the relay must still publish. An optional
/// <see cref="SuppressionList"/> keeps people erased under LGPD out of every staged page and webhook.
/// </summary>
public sealed class StagingStore(NpgsqlDataSource dataSource, RelaySignal relay, TimeProvider clock, SuppressionList? suppression = null)
{
    private const string RedactedBody = "{\"redacted\":\"names a person erased under LGPD\"}";

    private const string CreateBatchSql = """
        create temp table if not exists staging_rows (
            ord integer, stream text, entity_type text, external_id text, updated_at timestamptz, payload text, hash bytea, canonical jsonb,
            canonical_hash bytea
        ) on commit delete rows
        """;

    private const string CopySql = """
        copy staging_rows (ord, stream, entity_type, external_id, updated_at, payload, hash, canonical, canonical_hash) from stdin (format binary)
        """;

    private const string ExistingVersionsSql = """
        select r.entity_type, r.external_id, r.payload_hash, r.canonical_hash
        from unnest(@types, @ids) as k (entity_type, external_id)
        join raw_records r on r.workspace_id = @workspace and r.entity_type = k.entity_type and r.external_id = k.external_id
        """;

    private const string CopyRawSql = """
        copy raw_records (workspace_id, stream, entity_type, external_id, source_updated_at, payload, payload_hash, canonical,
                          canonical_hash, sync_run_id, correlation_id, received_at, unify) from stdin (format binary)
        """;

    private const string MoveSql = """
        with inserted as (
            insert into raw_records (workspace_id, stream, entity_type, external_id, source_updated_at, payload,
                                     payload_hash, canonical, canonical_hash, sync_run_id, correlation_id, received_at, unify)
            select @workspace, b.stream, b.entity_type, b.external_id, b.updated_at, b.payload,
                   b.hash, b.canonical, b.canonical_hash, @run, @correlation, @now, @unify
            from staging_rows b
            order by b.ord
            on conflict (workspace_id, entity_type, external_id, payload_hash, canonical_hash) do nothing
            returning id),
        queued as (
            insert into raw_record_outbox (id) select id from inserted where @unify = 'now')
        select count(*)::int from inserted
        """;

    /// <summary>Stages a page inside the caller's transaction (so a page and its checkpoint commit together).</summary>
    /// <returns>How many rows were new.</returns>
    public Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<StagedRecordInput> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var prepared = new PreparedRecord[records.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            prepared[i] = PreparedRecord.From(records[i]);
        }
        return StageAsync(connection, transaction, context, prepared, cancellationToken);
    }

    /// <summary>
    /// Stages prepared rows inside the caller's transaction. Rows to unify now go through a temp table and one
    /// <c>INSERT … ON CONFLICT DO NOTHING … RETURNING</c> that queues the new ids in the outbox. Deferred rows need no
    /// outbox entry, so they take the bulk path: the versions already stored for the batch's ids are read, and only the
    /// new rows are binary-COPYed straight into raw_records (no second write, no per-row upsert). A row staged
    /// meanwhile by another transaction makes that COPY fail on the version key: the batch then goes the upsert way.
    /// </summary>
    /// <returns>How many rows were new.</returns>
    public async Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        if (suppression is not null && records.Count > 0)
        {
            records = await SuppressionList.WithoutSuppressedAsync(connection, transaction, context.WorkspaceId, records, cancellationToken);
        }
        if (records.Count == 0)
        {
            return 0;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        int inserted;
        if (context.Unify == UnifyMode.Deferred)
        {
            await transaction.SaveAsync("bulk_staging", cancellationToken);
            try
            {
                inserted = await CopyNewAsync(connection, context, records, now, cancellationToken);
                await transaction.ReleaseAsync("bulk_staging", cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await transaction.RollbackAsync("bulk_staging", cancellationToken);
                inserted = await UpsertAsync(connection, transaction, context, records, now, cancellationToken);
            }
        }
        else
        {
            inserted = await UpsertAsync(connection, transaction, context, records, now, cancellationToken);
        }
        // Counted at insert: a page whose transaction then rolls back is counted again when it is retried.
        PlatformMetrics.RecordsStaged(inserted);
        return inserted;
    }

    /// <summary>The bulk path: drops the versions already stored (and repeats within the batch: the first one wins), COPYs the rest.</summary>
    private static async Task<int> CopyNewAsync(NpgsqlConnection connection, StagingContext context, IReadOnlyList<PreparedRecord> records,
        DateTime now, CancellationToken cancellationToken)
    {
        var keys = new HashSet<(string EntityType, string ExternalId)>();
        foreach (var record in records)
        {
            keys.Add((record.EntityType, record.ExternalId));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var existing = new NpgsqlCommand(ExistingVersionsSql, connection))
        {
            existing.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
            existing.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. keys.Select(k => k.EntityType)]));
            existing.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. keys.Select(k => k.ExternalId)]));
            await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                seen.Add(VersionKey(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2),
                    reader.IsDBNull(3) ? [] : reader.GetFieldValue<byte[]>(3)));
            }
        }
        var copied = 0;
        await using var importer = await connection.BeginBinaryImportAsync(CopyRawSql, cancellationToken);
        foreach (var record in records)
        {
            if (!seen.Add(VersionKey(record.EntityType, record.ExternalId, record.PayloadHash, record.CanonicalHash)))
            {
                continue;
            }
            // Checked once a row: a token handed to each of its 13 writes costs a registration per value (5% of an import's CPU).
            cancellationToken.ThrowIfCancellationRequested();
            await importer.StartRowAsync(CancellationToken.None);
            await importer.WriteAsync(context.WorkspaceId, NpgsqlDbType.Text, CancellationToken.None);
            await importer.WriteAsync(record.Stream, NpgsqlDbType.Text, CancellationToken.None);
            await importer.WriteAsync(record.EntityType, NpgsqlDbType.Text, CancellationToken.None);
            await importer.WriteAsync(record.ExternalId, NpgsqlDbType.Text, CancellationToken.None);
            await importer.WriteAsync(record.SourceUpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, CancellationToken.None);
            await importer.WriteAsync(record.Payload, NpgsqlDbType.Text, CancellationToken.None);
            await importer.WriteAsync(record.PayloadHash, NpgsqlDbType.Bytea, CancellationToken.None);
            await importer.WriteAsync(record.Canonical, NpgsqlDbType.Jsonb, CancellationToken.None);
            await importer.WriteAsync(record.CanonicalHash, NpgsqlDbType.Bytea, CancellationToken.None);
            if (context.SyncRunId is { } run)
            {
                await importer.WriteAsync(run, NpgsqlDbType.Uuid, CancellationToken.None);
            }
            else
            {
                await importer.WriteNullAsync(CancellationToken.None);
            }
            await importer.WriteAsync(context.CorrelationId, NpgsqlDbType.Uuid, CancellationToken.None);
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, CancellationToken.None);
            await importer.WriteAsync("deferred", NpgsqlDbType.Text, CancellationToken.None);
            copied++;
        }
        await importer.CompleteAsync(cancellationToken);
        return copied;
    }

    private static string VersionKey(string entityType, string externalId, byte[] payloadHash, byte[] canonicalHash) =>
        string.Concat(entityType, "\u001F", externalId, "\u001F", Convert.ToHexString(payloadHash), Convert.ToHexString(canonicalHash));

    /// <summary>The upsert path: COPY into a temp table, one insert that skips known versions and queues new rows to unify now.</summary>
    private static async Task<int> UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<PreparedRecord> records, DateTime now, CancellationToken cancellationToken)
    {
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
                await importer.WriteAsync(record.EntityType, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.ExternalId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.SourceUpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(record.Payload, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.PayloadHash, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(record.Canonical, NpgsqlDbType.Jsonb, cancellationToken);
                await importer.WriteAsync(record.CanonicalHash, NpgsqlDbType.Bytea, cancellationToken);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        await using var move = new NpgsqlCommand(MoveSql, connection, transaction);
        move.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
        move.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Uuid) { Value = (object?)context.SyncRunId ?? DBNull.Value });
        move.Parameters.Add(new NpgsqlParameter<Guid>("correlation", context.CorrelationId));
        move.Parameters.Add(new NpgsqlParameter<DateTime>("now", now));
        move.Parameters.Add(new NpgsqlParameter<string>("unify", context.Unify == UnifyMode.Deferred ? "deferred" : "now"));
        var inserted = (int)(await move.ExecuteScalarAsync(cancellationToken))!;
        // The batch table empties at commit; a caller that stages twice in one transaction must not see the first page again.
        await using (var clear = new NpgsqlCommand("truncate staging_rows", connection, transaction))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
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
        if (suppression is not null && await SuppressionList.ReadAsync(connection, transaction, context.WorkspaceId, cancellationToken) is { } suppressed
            && records.Any(r => suppressed.Matches(r.Record.Identifiers)))
        {
            body = RedactedBody; // the event id is kept (a redelivery stays a duplicate), the person is not
        }
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
