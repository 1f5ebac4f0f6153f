using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Connectors.Privacy;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using Platform.ServiceDefaults.Telemetry;
using Platform.ServiceDefaults.Database;

namespace Platform.Connectors.Staging;

/// <summary>
/// A record a connector read, about to be staged: the vendor payload untouched and its mapping. A payload read as part
/// of a parsed answer (<see cref="Of"/>) stays UTF-8 bytes, as it arrived and as the database stores it: it becomes a
/// string only if something asks for <see cref="Payload"/>.
/// </summary>
public sealed class StagedRecordInput
{
    private string? _payload;

    /// <param name="stream">The stream it came from (<c>customers</c>, <c>charges</c>…; webhooks use the object's stream).</param>
    /// <param name="payload">The vendor payload exactly as received.</param>
    /// <param name="record">The canonical mapping.</param>
    public StagedRecordInput(string stream, string payload, CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Stream = stream;
        _payload = payload;
        Record = record;
    }

    private StagedRecordInput(string stream, byte[] payloadUtf8, CanonicalRecord record)
    {
        Stream = stream;
        PayloadUtf8 = payloadUtf8;
        Record = record;
    }

    /// <summary>The stream it came from.</summary>
    public string Stream { get; }

    /// <summary>The canonical mapping.</summary>
    public CanonicalRecord Record { get; }

    /// <summary>The vendor payload exactly as received.</summary>
    public string Payload => _payload ??= Encoding.UTF8.GetString(PayloadUtf8!);

    /// <summary>The payload's UTF-8 bytes, when it was read as such (an element of a parsed page); null for a text payload.</summary>
    public byte[]? PayloadUtf8 { get; }

    /// <summary>The payload's <see cref="CanonicalJson.PayloadHash(string)"/>, when the reader computed it from the parsed object.</summary>
    public byte[]? PayloadHash { get; init; }

    /// <summary>
    /// A record read as part of a parsed answer (a list page): its bytes are copied out of the page (which may then be
    /// disposed), its hash taken from the element.
    /// </summary>
    public static StagedRecordInput Of(string stream, JsonElement payload, CanonicalRecord record) =>
        new(stream, JsonMarshal.GetRawUtf8Value(payload).ToArray(), record) { PayloadHash = CanonicalJson.PayloadHash(payload) };
}

/// <summary>
/// A record ready for COPY: its mapping already serialized and its version hash already computed. Connectors stage
/// <see cref="StagedRecordInput"/>; file imports prepare rows off the staging connection (while the previous batch
/// is written) and give their own payload hash (the row's values, not its line), so both paths share one COPY and
/// one upsert. The payload and the mapping are kept as they came (text, or UTF-8 bytes written to the COPY as they are)
/// and turned into the other form only when asked.
/// </summary>
public sealed class PreparedRecord
{
    private string? _payload;
    private string? _canonical;
    private byte[]? _canonicalHash;

    /// <param name="stream">The stream.</param>
    /// <param name="entityType">The canonical entity type, as stored.</param>
    /// <param name="externalId">The source's id.</param>
    /// <param name="sourceUpdatedAt">When the source last changed it.</param>
    /// <param name="payload">The payload as stored.</param>
    /// <param name="payloadHash">SHA-256 identifying the payload's version.</param>
    /// <param name="canonical">The canonical record as JSON (<see cref="CanonicalJson.Options"/>).</param>
    public PreparedRecord(string stream, string entityType, string externalId, DateTimeOffset sourceUpdatedAt, string payload,
        byte[] payloadHash, string canonical)
        : this(stream, entityType, externalId, sourceUpdatedAt, payloadHash)
    {
        _payload = payload;
        _canonical = canonical;
    }

    /// <summary>A record whose mapping hash was computed with its serialization (<see cref="CanonicalJson.SerializeWithMappingHash"/>).</summary>
    public PreparedRecord(string stream, string entityType, string externalId, DateTimeOffset sourceUpdatedAt, string payload,
        byte[] payloadHash, string canonical, byte[] canonicalHash)
        : this(stream, entityType, externalId, sourceUpdatedAt, payload, payloadHash, canonical) =>
        _canonicalHash = canonicalHash;

    private PreparedRecord(string stream, string entityType, string externalId, DateTimeOffset sourceUpdatedAt, byte[] payloadHash)
    {
        Stream = stream;
        EntityType = entityType;
        ExternalId = externalId;
        SourceUpdatedAt = sourceUpdatedAt;
        PayloadHash = payloadHash;
    }

    public string Stream { get; }

    public string EntityType { get; }

    public string ExternalId { get; }

    public DateTimeOffset SourceUpdatedAt { get; }

    public byte[] PayloadHash { get; }

    /// <summary>The payload as stored.</summary>
    public string Payload => _payload ??= Encoding.UTF8.GetString(PayloadUtf8!);

    /// <summary>The payload's UTF-8 bytes when it came as such (null for a text payload).</summary>
    public byte[]? PayloadUtf8 { get; private init; }

    /// <summary>The canonical record as JSON.</summary>
    public string Canonical => _canonical ??= Encoding.UTF8.GetString(CanonicalUtf8!);

    /// <summary>The canonical record's UTF-8 JSON when it was serialized as such (null when given as text).</summary>
    public byte[]? CanonicalUtf8 { get; private init; }

    /// <summary>
    /// The mapping's half of the version key (<see cref="CanonicalJson.MappingHash"/>): given where the record is prepared
    /// (off the staging connection), or computed from <see cref="Canonical"/> when first read.
    /// </summary>
    public byte[] CanonicalHash => _canonicalHash ??= CanonicalJson.MappingHash(Canonical);

    /// <summary>The mapping itself when the record was prepared from one (the relay publishes it without reading it back).</summary>
    public CanonicalRecord? Record { get; init; }

    /// <summary>Serializes the mapping (as UTF-8) and fingerprints the payload of a connector's record.</summary>
    public static PreparedRecord From(StagedRecordInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var record = input.Record;
        var (canonical, canonicalHash) = CanonicalJson.SerializeUtf8WithMappingHash(record);
        var payloadHash = input.PayloadHash ?? CanonicalJson.PayloadHash(input.Payload);
        return new PreparedRecord(input.Stream, record.EntityType.ToString(), record.ExternalId, record.SourceUpdatedAt, payloadHash)
        {
            _payload = input.PayloadUtf8 is null ? input.Payload : null,
            PayloadUtf8 = input.PayloadUtf8,
            CanonicalUtf8 = canonical,
            _canonicalHash = canonicalHash,
            Record = record,
        };
    }

    /// <summary>Every record of a page or webhook, prepared in order.</summary>
    public static PreparedRecord[] FromAll(IReadOnlyList<StagedRecordInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var prepared = new PreparedRecord[inputs.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            prepared[i] = From(inputs[i]);
        }
        return prepared;
    }
}

/// <summary>Who is staging: the workspace, the run (null for webhooks), the correlation id and the unify mode.</summary>
public sealed record StagingContext(string WorkspaceId, Guid CorrelationId, Guid? SyncRunId = null, UnifyMode Unify = UnifyMode.Now)
{
    /// <summary>Rows of no sync run (a webhook's): the relay publishes them before the rows queued by runs and releases.</summary>
    public bool Live => SyncRunId is null;
}

/// <summary>Outcome of staging one webhook event.</summary>
/// <param name="Duplicate">The vendor event id was seen before; nothing was staged.</param>
/// <param name="NewRows">Rows staged (payloads already staged before are not counted).</param>
public sealed record WebhookStageResult(bool Duplicate, int NewRows);

/// <summary>
/// Writes raw rows in bulk: the versions a page already has stored are read, and only its new rows are binary-COPYed
/// into raw_records with ids taken beforehand, queued in the outbox to unify now or in the deferred queue (raw_record_deferred,
/// see <see cref="DeferredRecords"/>) to wait for "Unify all" (a page that meets a concurrent
/// writer, and a webhook's few rows, go through a temporary table and one <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c>
/// that queues the new rows). A version is the payload
/// and its canonical mapping: the same payload mapped differently (a corrected mapping, Hotmart's buyer details added)
/// is a new version; the same payload mapped the same way (whenever it was read: the canonical hash leaves out
/// sourceUpdatedAt) is one row however often it arrives. raw_records is the
/// outbox's data; raw_record_outbox holds the ids the relay must still publish. An optional
/// <see cref="SuppressionList"/> keeps people erased under LGPD out of every staged page and webhook.
/// </summary>
public sealed class StagingStore(NpgsqlDataSource dataSource, RelaySignal relay, TimeProvider clock, SuppressionList? suppression = null,
    StatisticsKeeper? statistics = null, StagedRowMemory? memory = null)
{
    private const string RedactedBody = "{\"redacted\":\"names a person erased under LGPD\"}";

    // One index probe per id, whatever the statistics say: as a plain join, a table growing faster than autovacuum
    // analyses it was planned as a merge join over every row of the workspace (a page of a 532,000-row import read
    // the whole workspace, 190 ms a page and growing). The lateral subquery (offset 0 keeps it from being flattened)
    // can only be run per id.
    private const string ExistingVersionsSql = """
        select r.entity_type, r.external_id, r.payload_hash, r.canonical_hash
        from unnest(@types, @ids) as k (entity_type, external_id)
        cross join lateral (
            select r.entity_type, r.external_id, r.payload_hash, r.canonical_hash
            from raw_records r
            where r.workspace_id = @workspace and r.entity_type = k.entity_type and r.external_id = k.external_id
            offset 0) r
        """;

    private const string CopyRawWithIdSql = """
        copy raw_records (id, workspace_id, stream, entity_type, external_id, source_updated_at, payload, payload_hash, canonical,
                          canonical_hash, sync_run_id, correlation_id, received_at, unify) from stdin (format binary)
        """;

    // The sequence is looked up once a statement (an init plan), not once a row (pg_get_serial_sequence reads the catalog:
    // 2.6 times the cost of the whole insert).
    private const string NextIdsSql = """
        with queued as (
            insert into raw_record_outbox (id, live)
            select nextval((select pg_get_serial_sequence('raw_records', 'id')::regclass)), @live from generate_series(1, @count)
            returning id)
        select array_agg(id) from queued
        """;

    // Deferred rows wait in their own narrow queue (DeferredRecords): "Unify all" moves ids, never rewrites the raw rows.
    private const string NextDeferredIdsSql = """
        with queued as (
            insert into raw_record_deferred (workspace_id, id, sync_run_id)
            select @workspace, nextval((select pg_get_serial_sequence('raw_records', 'id')::regclass)), @run from generate_series(1, @count)
            returning id)
        select array_agg(id) from queued
        """;

    /// <summary>Stages a page inside the caller's transaction (so a page and its checkpoint commit together).</summary>
    /// <returns>How many rows were new.</returns>
    public Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<StagedRecordInput> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return StageAsync(connection, transaction, context, PreparedRecord.FromAll(records), cancellationToken);
    }

    /// <summary>
    /// Stages prepared rows inside the caller's transaction. A page goes the bulk way: the versions already stored for
    /// its ids are read, and only the new rows are binary-COPYed straight into raw_records (no temp table, no second
    /// write, no per-row upsert); the rows first take their ids from the table's sequence and are queued (outbox or
    /// deferred queue) by the same statement, in the page's order (four round trips a page in all). A row staged meanwhile by
    /// another transaction makes that COPY fail on the version key: the batch then goes the upsert way (one
    /// <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING … RETURNING</c> that queues the new ids). A few rows to
    /// unify now (a webhook's) go the upsert way at once: one round trip.
    /// </summary>
    /// <returns>How many rows were new.</returns>
    public async Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        var suppressed = suppression is not null && records.Count > 0
            ? await SuppressionList.ReadAsync(connection, transaction, context.WorkspaceId, cancellationToken)
            : null;
        return await StageAsync(connection, transaction, context, records, suppressed, cancellationToken);
    }

    /// <summary>Stages prepared rows, leaving out those that name someone on the workspace's list (already read).</summary>
    private async Task<int> StageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<PreparedRecord> records, SuppressionList.Matcher? suppressed, CancellationToken cancellationToken)
    {
        if (suppressed is not null)
        {
            records = suppressed.Without(records);
        }
        if (records.Count == 0)
        {
            return 0;
        }
        if (statistics is not null)
        {
            await statistics.RefreshIfStaleAsync(cancellationToken);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        int inserted;
        if (context.Unify == UnifyMode.Deferred || records.Count >= BulkAbove)
        {
            // The savepoint is set in the same round trip as the lookup of stored versions, and left for the commit to
            // release (a later page of the same transaction sets its own; a rollback goes to the latest of that name).
            try
            {
                inserted = await CopyNewAsync(connection, transaction, context, records, now, memory, cancellationToken);
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

    /// <summary>Rows to unify now from this many on take the bulk path (its savepoint and id fetch pay off).</summary>
    private const int BulkAbove = 20;

    /// <summary>
    /// The bulk path: drops the versions already stored (and repeats within the batch: the first one wins), COPYs the
    /// rest; the rows take ids from the sequence (in the batch's order) and are queued in the outbox or the deferred queue.
    /// </summary>
    private static async Task<int> CopyNewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<PreparedRecord> records, DateTime now, StagedRowMemory? memory, CancellationToken cancellationToken)
    {
        // The batch's ids as two arrays (a repeated id only finds its stored versions twice): no set of a page's keys, which
        // for a 2,000-row batch would be a large-object allocation, and a full collection, a batch.
        var types = new string[records.Count];
        var externalIds = new string[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            types[i] = records[i].EntityType;
            externalIds[i] = records[i].ExternalId;
        }
        var seen = new HashSet<VersionKey>(records.Count);
        await using (var existing = new NpgsqlBatch(connection, transaction))
        {
            existing.BatchCommands.Add(new NpgsqlBatchCommand("savepoint bulk_staging"));
            var lookup = new NpgsqlBatchCommand(ExistingVersionsSql);
            lookup.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
            lookup.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
            lookup.Parameters.Add(new NpgsqlParameter<string[]>("ids", externalIds));
            existing.BatchCommands.Add(lookup);
            await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                seen.Add(new VersionKey(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2),
                    reader.IsDBNull(3) ? [] : reader.GetFieldValue<byte[]>(3)));
            }
        }
        var fresh = new List<PreparedRecord>(records.Count);
        foreach (var record in records)
        {
            if (seen.Add(new VersionKey(record.EntityType, record.ExternalId, record.PayloadHash, record.CanonicalHash)))
            {
                fresh.Add(record);
            }
        }
        if (fresh.Count == 0)
        {
            return 0;
        }
        var ids = await NextIdsAsync(connection, transaction, context, fresh.Count, cancellationToken);
        var unify = context.Unify == UnifyMode.Now ? "now" : "deferred";
        await using (var importer = await connection.BeginBinaryImportAsync(CopyRawWithIdSql, cancellationToken))
        {
            for (var i = 0; i < fresh.Count; i++)
            {
                var record = fresh[i];
                // Checked once a row: a token handed to each of its 13 writes costs a registration per value (5% of an import's CPU).
                cancellationToken.ThrowIfCancellationRequested();
                await importer.StartRowAsync(CancellationToken.None);
                await importer.WriteAsync(ids[i], NpgsqlDbType.Bigint, CancellationToken.None);
                await importer.WriteAsync(context.WorkspaceId, NpgsqlDbType.Text, CancellationToken.None);
                await importer.WriteAsync(record.Stream, NpgsqlDbType.Text, CancellationToken.None);
                await importer.WriteAsync(record.EntityType, NpgsqlDbType.Text, CancellationToken.None);
                await importer.WriteAsync(record.ExternalId, NpgsqlDbType.Text, CancellationToken.None);
                await importer.WriteAsync(record.SourceUpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, CancellationToken.None);
                // UTF-8 payloads and mappings go to the wire as they are (no string, no re-encoding).
                if (record.PayloadUtf8 is { } payload)
                {
                    await importer.WriteAsync(payload, NpgsqlDbType.Text, CancellationToken.None);
                }
                else
                {
                    await importer.WriteAsync(record.Payload, NpgsqlDbType.Text, CancellationToken.None);
                }
                await importer.WriteAsync(record.PayloadHash, NpgsqlDbType.Bytea, CancellationToken.None);
                if (record.CanonicalUtf8 is { } canonical)
                {
                    await importer.WriteAsync(canonical, NpgsqlDbType.Jsonb, CancellationToken.None);
                }
                else
                {
                    await importer.WriteAsync(record.Canonical, NpgsqlDbType.Jsonb, CancellationToken.None);
                }
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
                await importer.WriteAsync(unify, NpgsqlDbType.Text, CancellationToken.None);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        if (memory is not null && context.Unify == UnifyMode.Now)
        {
            // As PostgreSQL keeps received_at (microseconds), so a row published from memory says what a row read back says.
            var stagedAt = new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
            for (var i = 0; i < fresh.Count; i++)
            {
                if (fresh[i].Record is { } record
                    && !memory.Offer(ids[i], new StagedRow(context.WorkspaceId, context.CorrelationId, context.SyncRunId, stagedAt, record)))
                {
                    break;
                }
            }
        }
        return fresh.Count;
    }

    /// <summary>
    /// Takes <paramref name="count"/> ids from raw_records' identity sequence, ascending, and queues them in the same
    /// statement: in the outbox to unify now (the relay publishes by id), in the deferred queue to wait for "Unify all".
    /// The rows they name are COPYed next, in the same transaction.
    /// </summary>
    private static async Task<long[]> NextIdsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        int count, CancellationToken cancellationToken)
    {
        var deferred = context.Unify == UnifyMode.Deferred;
        await using var command = new NpgsqlCommand(deferred ? NextDeferredIdsSql : NextIdsSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int>("count", count));
        if (deferred)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
            command.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Uuid) { Value = (object?)context.SyncRunId ?? DBNull.Value });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<bool>("live", context.Live));
        }
        var ids = (long[])(await command.ExecuteScalarAsync(cancellationToken))!;
        Array.Sort(ids);
        return ids;
    }

    /// <summary>
    /// A stored version: the source's id and both halves of the version key (compared by value). A class: a set of
    /// 2,000 of them stays a small object.
    /// </summary>
    private sealed class VersionKey(string entityType, string externalId, byte[] payloadHash, byte[] canonicalHash) : IEquatable<VersionKey>
    {
        private readonly string _entityType = entityType;
        private readonly string _externalId = externalId;
        private readonly byte[] _payloadHash = payloadHash;
        private readonly byte[] _canonicalHash = canonicalHash;

        public bool Equals(VersionKey? other) =>
            other is not null
            && string.Equals(_externalId, other._externalId, StringComparison.Ordinal)
            && string.Equals(_entityType, other._entityType, StringComparison.Ordinal)
            && _payloadHash.AsSpan().SequenceEqual(other._payloadHash)
            && _canonicalHash.AsSpan().SequenceEqual(other._canonicalHash);

        public override bool Equals(object? obj) => obj is VersionKey other && Equals(other);

        // The hashes are SHA-256: their first bytes spread well enough.
        public override int GetHashCode() => HashCode.Combine(
            string.GetHashCode(_externalId, StringComparison.Ordinal),
            _payloadHash.Length >= 4 ? BitConverter.ToInt32(_payloadHash) : 0,
            _canonicalHash.Length >= 4 ? BitConverter.ToInt32(_canonicalHash) : 0);
    }

    private const string UpsertSql = """
        with inserted as (
            insert into raw_records (workspace_id, stream, entity_type, external_id, source_updated_at, payload,
                                     payload_hash, canonical, canonical_hash, sync_run_id, correlation_id, received_at, unify)
            select @workspace, b.stream, b.entity_type, b.external_id, b.updated_at, b.payload,
                   b.hash, b.canonical::jsonb, b.canonical_hash, @run, @correlation, @now, @unify
            from unnest(@streams, @types, @ids, @updated, @payloads, @hashes, @canonicals, @canonical_hashes)
                 with ordinality as b (stream, entity_type, external_id, updated_at, payload, hash, canonical, canonical_hash, ord)
            order by b.ord
            on conflict (workspace_id, entity_type, external_id, payload_hash, canonical_hash) do nothing
            returning id),
        queued as (
            insert into raw_record_outbox (id, live) select id, @live from inserted where @unify = 'now'),
        deferred as (
            insert into raw_record_deferred (workspace_id, id, sync_run_id) select @workspace, id, @run from inserted where @unify = 'deferred')
        select count(*)::int from inserted
        """;

    /// <summary>
    /// The upsert path: one statement with the rows as arrays, that skips known versions (<c>ON CONFLICT DO NOTHING</c>)
    /// and queues the new rows (outbox or deferred queue), in the batch's order. Taken at once by a few rows to unify now (a webhook's:
    /// one round trip), and by a bulk batch whose COPY met a row staged meanwhile by another transaction. No temp table:
    /// a pooled connection comes back reset (<c>DISCARD ALL</c>), so a temp table would be created again every time
    /// (bench e2e: 2.4 ms of catalog work, 2.5 ms of COPY and 0.6 ms of truncate a webhook, the connector's largest
    /// database cost). Its rows are not handed to the relay's memory (<see cref="StagedRowMemory"/>): tried when the relay
    /// still published in id order, webhook rows that arrived while a "Unify all" of 500,000 rows waited in the outbox
    /// waited in memory behind it (bench e2e 1,000,000 records, half webhooks: the connector's gen2 grew to 62-72 MB and
    /// its peak to 272 MB), and no CPU saved that a run could show.
    /// </summary>
    private static async Task<int> UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StagingContext context,
        IReadOnlyList<PreparedRecord> records, DateTime now, CancellationToken cancellationToken)
    {
        var count = records.Count;
        var streams = new string[count];
        var types = new string[count];
        var ids = new string[count];
        var updated = new DateTime[count];
        var payloads = new string[count];
        var hashes = new byte[count][];
        var canonicals = new string[count];
        var canonicalHashes = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var record = records[i];
            streams[i] = record.Stream;
            types[i] = record.EntityType;
            ids[i] = record.ExternalId;
            updated[i] = record.SourceUpdatedAt.UtcDateTime;
            payloads[i] = record.Payload;
            hashes[i] = record.PayloadHash;
            canonicals[i] = record.Canonical;
            canonicalHashes[i] = record.CanonicalHash;
        }
        await using var insert = new NpgsqlCommand(UpsertSql, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
        insert.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Uuid) { Value = (object?)context.SyncRunId ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter<bool>("live", context.Live));
        insert.Parameters.Add(new NpgsqlParameter<Guid>("correlation", context.CorrelationId));
        insert.Parameters.Add(new NpgsqlParameter<DateTime>("now", now));
        insert.Parameters.Add(new NpgsqlParameter<string>("unify", context.Unify == UnifyMode.Deferred ? "deferred" : "now"));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("streams", streams));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("ids", ids));
        insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("updated", updated) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("payloads", payloads));
        insert.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", hashes) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("canonicals", canonicals));
        insert.Parameters.Add(new NpgsqlParameter<byte[][]>("canonical_hashes", canonicalHashes) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        return (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
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
        // The workspace's suppression list and the event id go in one round trip; the body stored is redacted after, in
        // the same transaction, on the rare delivery that names someone erased.
        SuppressionList.Matcher? suppressed = null;
        var seen = new NpgsqlBatchCommand("""
            insert into webhook_events (workspace_id, event_id, event_type, body, received_at, record_count)
            values (@workspace, @event, @type, @body, @now, @count)
            on conflict do nothing
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string>("workspace", context.WorkspaceId),
                new NpgsqlParameter<string>("event", eventId),
                new NpgsqlParameter<string>("type", eventType),
                new NpgsqlParameter<string>("body", body),
                new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime),
                new NpgsqlParameter<int>("count", records.Count),
            },
        };
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            if (suppression is not null)
            {
                batch.BatchCommands.Add(SuppressionList.ReadCommand(context.WorkspaceId));
            }
            batch.BatchCommands.Add(seen);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (suppression is not null)
            {
                suppressed = await SuppressionList.MatcherAsync(reader, cancellationToken);
            }
        }
        if (seen.RecordsAffected == 0)
        {
            return new WebhookStageResult(Duplicate: true, NewRows: 0);
        }
        if (suppressed is not null && records.Any(r => suppressed.Matches(r.Record.Identifiers, r.Payload)))
        {
            // The event id is kept (a redelivery stays a duplicate), the person is not.
            await using var redact = new NpgsqlCommand("update webhook_events set body = @body where workspace_id = @workspace and event_id = @event",
                connection, transaction);
            redact.Parameters.Add(new NpgsqlParameter<string>("body", RedactedBody));
            redact.Parameters.Add(new NpgsqlParameter<string>("workspace", context.WorkspaceId));
            redact.Parameters.Add(new NpgsqlParameter<string>("event", eventId));
            await redact.ExecuteNonQueryAsync(cancellationToken);
        }
        var inserted = await StageAsync(connection, transaction, context, PreparedRecord.FromAll(records), suppressed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        relay.Notify();
        return new WebhookStageResult(Duplicate: false, NewRows: inserted);
    }
}
