using Npgsql;
using NpgsqlTypes;
using Platform.Aggregation.Domain;
using Platform.Contracts.Records;

namespace Platform.Aggregation.Persistence;

internal sealed partial class AggregationStore
{
    private const string KeyJoin = "r.workspace_id = @w and r.source = k.source and r.external_id = k.external_id and r.entity_type = k.entity_type";

    /// <summary>
    /// Which client each message's record belongs to: a merged client is replaced by its survivor; a link to a client
    /// the record was split out of at that client version or later is stale (older than the split), and the record
    /// stays where the split sent it. A link to a merged client is older than the merge, so it is stale too when the
    /// record was split out of the survivor at the survivor's merge version or later.
    /// </summary>
    private const string ResolveClients = """
        update agg_in i set
            stale = (m.from_client_version is not null and m.from_client_version >= x.client_version) or ms.from_client_id is not null,
            resolved_client = case
                when m.from_client_version is not null and m.from_client_version >= x.client_version
                    then case when m.to_client_id is null then null else coalesce(mt.survivor_client_id, m.to_client_id) end
                when ms.from_client_id is not null
                    then case when ms.to_client_id is null then null else coalesce(mst.survivor_client_id, ms.to_client_id) end
                else coalesce(mc.survivor_client_id, x.client_id) end
        from agg_in x
        left join record_moves m on m.workspace_id = @w and m.source = x.source and m.external_id = x.external_id
            and m.entity_type = x.entity_type and m.from_client_id = x.client_id
        left join merged_clients mc on mc.merged_client_id = x.client_id
        left join merged_clients mt on mt.merged_client_id = m.to_client_id
        left join record_moves ms on ms.workspace_id = @w and ms.source = x.source and ms.external_id = x.external_id
            and ms.entity_type = x.entity_type and ms.from_client_id = mc.survivor_client_id
            and ms.from_client_version >= mc.survivor_version
        left join merged_clients mst on mst.merged_client_id = ms.to_client_id
        where x.ordinal = i.ordinal
        """;

    /// <summary>
    /// One row per record: its data from the newest version in the batch (<see cref="RecordVersion"/>, the rule identity
    /// resolution applies; a replay ties with itself: the first to arrive), its client from the last message that is not
    /// stale (messages arrive in link order).
    /// </summary>
    private static readonly string FillKeys = $"""
        insert into agg_keys (source, entity_type, external_id, data_ordinal, client_id, client_stale, client_version, correlation_id)
        select d.source, d.entity_type, d.external_id, d.ordinal, c.resolved_client, c.stale, c.client_version, c.correlation_id
        from (select distinct on (source, external_id, entity_type) source, external_id, entity_type, ordinal
              from agg_in order by source, external_id, entity_type, {RecordVersion.SqlNewestFirst()}, ordinal) d
        join (select distinct on (source, external_id, entity_type) source, external_id, entity_type, resolved_client, stale,
                     client_version, correlation_id
              from agg_in order by source, external_id, entity_type, stale, ordinal desc) c
            using (source, external_id, entity_type)
        """;

    private const string FindMoved = $"""
        insert into agg_moved (source, entity_type, external_id, old_client, new_client)
        select k.source, k.entity_type, k.external_id, r.client_id, k.client_id
        from agg_keys k join client_records r on {KeyJoin}
        where not k.client_stale and r.client_id is distinct from k.client_id
        """;

    private const string MoveRecords = """
        update client_records r set client_id = m.new_client, client_version = k.client_version, updated_at = now()
        from agg_moved m join agg_keys k using (source, entity_type, external_id)
        where r.workspace_id = @w and r.source = m.source and r.external_id = m.external_id and r.entity_type = m.entity_type
        """;

    /// <summary>
    /// A newer version (<see cref="RecordVersion"/>) replaces the record's data; an older or equal one (a replay, a late
    /// message) changes nothing.
    /// </summary>
    private static readonly string UpdateRecords = $"""
        update client_records r set raw_record_id = i.raw_record_id, source_updated_at = i.source_updated_at,
            attributes = i.attributes, tags = i.tags, is_customer = i.is_customer, plan = i.plan, plan_rank = i.plan_rank,
            sgt_extras = i.sgt_extras, updated_at = now()
        from agg_keys k join agg_in i on i.ordinal = k.data_ordinal
        where {KeyJoin} and {RecordVersion.SqlIsNewer("i", "r")}
        """;

    private const string InsertRecords = $"""
        insert into client_records (workspace_id, source, entity_type, external_id, client_id, client_version, raw_record_id,
            source_updated_at, attributes, tags, is_customer, plan, plan_rank, sgt_extras, first_seen_at, updated_at)
        select @w, k.source, k.entity_type, k.external_id, k.client_id, k.client_version, i.raw_record_id, i.source_updated_at,
            i.attributes, i.tags, i.is_customer, i.plan, i.plan_rank, i.sgt_extras, now(), now()
        from agg_keys k join agg_in i on i.ordinal = k.data_ordinal
        where not exists (select 1 from client_records r where {KeyJoin})
        """;

    /// <summary>
    /// Money records: a new row, or the newer version's data; refunds, disputes and coverage by other records are applied
    /// by <see cref="Settle"/>. A new row is written settled as if nothing else touched it (its own refunded and disputed
    /// amounts, counted unless covered), so Settle rewrites it (seven indexes) only when another record does.
    /// </summary>
    private static readonly string UpsertSales = $"""
        insert into sales as s (workspace_id, source, entity_type, external_id, client_id, kind, status, base_status, source_status,
            amount, currency, refunded_amount, disputed_amount, net_amount, own_refunded, own_disputed, adjustment_amount,
            occurred_at, product, parent_ref, payment_ref, invoice_ref, cover_rank, superseded_by, is_counted, raw_record_id,
            source_updated_at, record, first_seen_at, updated_at)
        select @w, k.source, k.entity_type, k.external_id, r.client_id, i.kind, n.status, i.base_status, i.source_status,
            i.amount, i.currency, n.refunded, n.disputed, n.net, i.own_refunded, i.own_disputed, i.adjustment_amount,
            i.occurred_at, i.product, i.parent_ref, i.payment_ref, i.invoice_ref, i.cover_rank, null,
            {Counted("null", "i.kind", "n.status")}, i.raw_record_id, i.source_updated_at, i.record, now(), now()
        from agg_keys k join agg_in i on i.ordinal = k.data_ordinal join client_records r on {KeyJoin}
        cross join lateral (select least(coalesce(i.amount, 0), greatest(i.own_refunded, 0)) as refunded,
                                   least(coalesce(i.amount, 0), i.own_disputed) as disputed) a
        cross join lateral (select {SettledStatus("i.kind", "i.base_status", "i.amount", "a.refunded", "a.disputed")} as status,
                                   {SettledNet("i.kind", "i.amount", "a.refunded", "a.disputed")} as net,
                                   a.refunded, a.disputed) n
        where i.kind is not null
        on conflict (workspace_id, source, external_id, entity_type) do update set
            kind = excluded.kind, base_status = excluded.base_status, source_status = excluded.source_status,
            amount = excluded.amount, currency = excluded.currency, own_refunded = excluded.own_refunded,
            own_disputed = excluded.own_disputed, adjustment_amount = excluded.adjustment_amount, occurred_at = excluded.occurred_at,
            product = excluded.product, parent_ref = excluded.parent_ref, payment_ref = excluded.payment_ref,
            invoice_ref = excluded.invoice_ref, cover_rank = excluded.cover_rank, raw_record_id = excluded.raw_record_id,
            source_updated_at = excluded.source_updated_at, record = excluded.record, updated_at = now()
        where {RecordVersion.SqlIsNewer("excluded", "s")}
        """;

    private const string MoveSales = """
        update sales s set client_id = m.new_client, updated_at = now()
        from agg_moved m
        where s.workspace_id = @w and s.source = m.source and s.external_id = m.external_id and s.entity_type = m.entity_type
        """;

    private const string MoveActivities = """
        update customer_activities a set client_id = m.new_client
        from agg_moved m
        where a.workspace_id = @w and a.source = m.source and a.external_id = m.external_id and a.entity_type = m.entity_type
        """;

    /// <summary>Every message is a timeline entry unless the record already has one with the same key (a replay).</summary>
    private const string InsertActivities = $"""
        insert into customer_activities (workspace_id, client_id, source, entity_type, external_id, raw_record_id, type, title,
            status, amount, currency, occurred_at, source_updated_at, dedupe_key, recorded_at)
        select @w, r.client_id, i.source, i.entity_type, i.external_id, i.raw_record_id, i.activity_type, i.activity_title,
            i.activity_status, i.activity_amount, i.activity_currency, i.activity_occurred_at, i.source_updated_at, i.activity_dedupe, now()
        from agg_in i join agg_keys k using (source, entity_type, external_id) join client_records r on {KeyJoin}
        order by i.source_updated_at, i.ordinal
        on conflict (workspace_id, source, external_id, entity_type, dedupe_key) do nothing
        """;

    private const string CollectClients = $"""
        insert into agg_clients (client_id, correlation_id, sgt_synced)
        select client_id, (array_agg(correlation_id order by rank))[1], bool_or(sgt)
        from (
            select r.client_id, k.correlation_id, 0 as rank, k.source = 'sgt' as sgt
            from agg_keys k join client_records r on {KeyJoin}
            union all
            select m.old_client, k.correlation_id, 1, false from agg_moved m join agg_keys k using (source, entity_type, external_id)
        ) x
        where client_id is not null
        group by client_id
        on conflict (client_id) do nothing
        """;

    /// <summary>
    /// The sales of the batch's records, and the sales they touch: the sale a refund or dispute points at, and the other
    /// records of the same payment or invoice. Each is a key lookup from the (small) batch.
    /// </summary>
    private const string SettleTargets = """
        insert into agg_settle (id)
        select s.id from agg_keys k
        join sales s on s.workspace_id = @w and s.source = k.source and s.external_id = k.external_id and s.entity_type = k.entity_type
        union
        select p.id from agg_in i join sales p on p.workspace_id = @w and p.source = i.source and p.external_id = i.parent_ref
        where i.parent_ref is not null
        union
        select o.id from agg_in i join sales o on o.workspace_id = @w and o.source = i.source and o.payment_ref = i.payment_ref
        where i.payment_ref is not null
        union
        select o.id from agg_in i join sales o on o.workspace_id = @w and o.source = i.source and o.invoice_ref = i.invoice_ref
        where i.invoice_ref is not null
        """;

    /// <summary>Loads the batch into <c>agg_in</c> (binary COPY).</summary>
    public async Task LoadAsync(IReadOnlyList<RecordFacts> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var importer = await _connection.BeginBinaryImportAsync("""
            copy agg_in (ordinal, source, entity_type, external_id, client_id, client_version, raw_record_id, source_updated_at,
                correlation_id, attributes, tags, is_customer, plan, plan_rank, sgt_extras, kind, base_status, source_status, amount,
                currency, own_refunded, own_disputed, adjustment_amount, occurred_at, product, parent_ref, payment_ref, invoice_ref,
                cover_rank, record, activity_type, activity_title, activity_status, activity_amount, activity_currency,
                activity_occurred_at, activity_dedupe) from stdin (format binary)
            """, cancellationToken);
        foreach (var r in records)
        {
            var sale = r.Sale;
            var activity = r.Activity;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(r.Ordinal, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(r.Source, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(r.EntityType, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(r.ExternalId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(r.ClientId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(r.ClientVersion, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(r.RawRecordId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(r.SourceUpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(r.CorrelationId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(r.AttributesJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(r.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(r.IsCustomer, NpgsqlDbType.Boolean, cancellationToken);
            await WriteAsync(importer, r.Plan, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(r.PlanRank, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(importer, r.SgtExtrasJson, NpgsqlDbType.Jsonb, cancellationToken);
            await WriteAsync(importer, sale?.Kind, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.BaseStatus, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.SourceStatus, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.Amount, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, sale?.Currency, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.OwnRefunded, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, sale?.OwnDisputed, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, sale?.AdjustmentAmount, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, sale?.OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteAsync(importer, sale?.Product, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.ParentRef, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.PaymentRef, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale?.InvoiceRef, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, sale is null ? null : (short?)sale.CoverRank, NpgsqlDbType.Smallint, cancellationToken);
            await importer.WriteAsync(r.RecordJson, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteAsync(activity.Type, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(activity.Title, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, activity.Status, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, activity.Amount, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, activity.Currency, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(activity.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(activity.DedupeKey, NpgsqlDbType.Text, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Applies the loaded batch: clients resolved, records and sales upserted (newest version wins), records that changed
    /// client re-pointed with their sales and timeline, timeline entries added, sales settled, and every client whose
    /// numbers may have changed collected in <c>agg_clients</c>.
    /// </summary>
    public async Task ApplyRecordsAsync(CancellationToken cancellationToken)
    {
        await using var batch = Batch(
            ("analyze agg_in", []),
            (ResolveClients, []),
            (FillKeys, []),
            ("analyze agg_keys", []),
            (FindMoved, []),
            (MoveRecords, []),
            (UpdateRecords, []),
            (InsertRecords, []),
            (UpsertSales, []),
            (MoveSales, []),
            (MoveActivities, []),
            (InsertActivities, []),
            (CollectClients, []),
            (SettleTargets, []),
            // Its size, for the plan of Settle: unanalyzed, the table was taken for 2,260 rows (50 in the batch auto_explain
            // showed) and every sale of the workspace was read to join them (bench e2e 200,000 records: 13.6 ms a batch).
            ("analyze agg_settle", []),
            (Settle, []));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : class =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private static Task WriteAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } v ? importer.WriteAsync(v, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
