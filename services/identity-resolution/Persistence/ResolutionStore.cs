using Npgsql;
using NpgsqlTypes;
using Platform.IdentityResolution.Domain.Resolution;

namespace Platform.IdentityResolution.Persistence;

/// <summary>A record's identity and version as stored.</summary>
internal sealed record StoredVersion(long Id, string Source, string EntityType, string ExternalId, long RawRecordId, DateTimeOffset SourceUpdatedAt);

/// <summary>A record to insert (its id reserved), or a new version of a stored one.</summary>
internal sealed record RecordWrite(
    long Id,
    string Source,
    string EntityType,
    string ExternalId,
    long RawRecordId,
    DateTimeOffset SourceUpdatedAt,
    DateTimeOffset StagedAt,
    Guid CorrelationId,
    string FieldsJson,
    string UnusableJson,
    string PayloadJson);

/// <summary>A stored identifier value and whether it links.</summary>
internal sealed record StoredValue(long Id, string Kind, string Value, string? BlockedReason, bool OperatorAllowed);

/// <summary>A value found shared by more records that disagree than the threshold allows.</summary>
internal sealed record SharedValue(long ValueId, string OtherKind, long DistinctOtherValues, long Records);

/// <summary>A record of a component as loaded for a recompute.</summary>
internal sealed record ComponentRecord(
    long Id,
    string Source,
    string EntityType,
    string ExternalId,
    long RawRecordId,
    DateTimeOffset SourceUpdatedAt,
    Guid? ClientId,
    string Status,
    string? StatusReason,
    string FieldsJson,
    List<PartitionIdentifier> Identifiers)
{
    /// <summary>The record as the partitioner sees it.</summary>
    public PartitionRecord ToPartitionRecord() => new()
    {
        Id = Id,
        Source = Source,
        EntityType = EntityType,
        ExternalId = ExternalId,
        Identifiers = Identifiers,
        Name = ResolutionJson.ReadFields(FieldsJson).Name,
    };
}

/// <summary>A record's new place after a recompute.</summary>
internal sealed record PlacementWrite(long RecordId, Guid? ClientId, string Status, string? Reason);

/// <summary>A stored open conflict.</summary>
internal sealed record StoredConflict(Guid Id, Guid ClientAId, Guid ClientBId, string Kind, string Value);

/// <summary>
/// The resolution hot path's SQL: set-based statements over arrays (one round trip per step, whatever the batch
/// size), all inside the caller's transaction, which holds the workspace lock.
/// </summary>
internal sealed class ResolutionStore(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    /// <summary>
    /// Serialises all resolution work of one workspace across every instance until the transaction ends:
    /// a component is only ever recomputed by one transaction at a time.
    /// </summary>
    public async Task LockWorkspaceAsync(string workspaceId, CancellationToken cancellationToken)
    {
        // For this transaction only: every statement here reads or writes rows by key. JIT compiling them costs
        // far more than running them (PostgreSQL turns it on from cost estimates alone), and while a workspace is
        // being backfilled its tables grow faster than autovacuum refreshes their statistics, so a stale
        // estimate would turn a keyed lookup into a scan of the whole table once per batch.
        await using var command = Command("""
            select set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true),
                   pg_advisory_xact_lock(hashtextextended(@key, 0))
            """);
        command.Parameters.AddWithValue("key", "identity-resolution:" + workspaceId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> LoadSettingsJsonAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var command = Command("select settings::text from workspace_settings where workspace_id = @w");
        command.Parameters.AddWithValue("w", workspaceId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<List<StoredVersion>> FindRecordsAsync(
        string workspaceId, IReadOnlyList<(string Source, string EntityType, string ExternalId)> keys, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            select r.id, r.source, r.entity_type, r.external_id, r.raw_record_id, r.source_updated_at
            from records r
            join unnest(@sources, @types, @externals) as k(source, entity_type, external_id)
              on r.source = k.source and r.entity_type = k.entity_type and r.external_id = k.external_id
            where r.workspace_id = @w
            """);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("sources", keys.Select(k => k.Source).ToArray());
        command.Parameters.AddWithValue("types", keys.Select(k => k.EntityType).ToArray());
        command.Parameters.AddWithValue("externals", keys.Select(k => k.ExternalId).ToArray());
        var found = new List<StoredVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new StoredVersion(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return found;
    }

    /// <summary>
    /// Ids for records not inserted yet (<see cref="InsertPlacedRecordsAsync"/> writes them once their place is known),
    /// and the check that their identifiers point at stored records moved to the commit.
    /// </summary>
    public async Task<long[]> ReserveRecordIdsAsync(int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }
        await using var batch = Batch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("set constraints fk_record_identifiers_records deferred"));
        // The sequence is looked up once (an init plan), not once a row: pg_get_serial_sequence reads the catalog.
        var ids = new NpgsqlBatchCommand("select nextval((select pg_get_serial_sequence('records', 'id')::regclass)) from generate_series(1, $1)");
        ids.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        batch.BatchCommands.Add(ids);
        var reserved = new List<long>(count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            reserved.Add(reader.GetInt64(0));
        }
        return [.. reserved];
    }

    /// <summary>Inserts new records (ids reserved by <see cref="ReserveRecordIdsAsync"/>) where a recompute placed them.</summary>
    public async Task InsertPlacedRecordsAsync(string workspaceId, IReadOnlyList<(RecordWrite Record, PlacementWrite Placement)> records,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }
        await using var command = Command("""
            insert into records (id, workspace_id, source, entity_type, external_id, raw_record_id, source_updated_at, staged_at,
                                 correlation_id, client_id, status, status_reason, linked_at, fields, unusable_identifiers, payload,
                                 first_seen_at, updated_at)
            overriding system value
            select x.id, @w, x.source, x.entity_type, x.external_id, x.raw, x.updated, x.staged, x.correlation, x.client_id,
                   x.status, x.reason, case when x.client_id is null then null else @now end,
                   x.fields::jsonb, x.unusable::jsonb, x.payload::jsonb, @now, @now
            from unnest(@ids, @sources, @types, @externals, @raws, @updateds, @stageds, @correlations, @clients, @statuses, @reasons,
                        @fields, @unusables, @payloads)
                 as x(id, source, entity_type, external_id, raw, updated, staged, correlation, client_id, status, reason, fields, unusable, payload)
            """);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("ids", records.Select(r => r.Record.Id).ToArray());
        AddRecordArrays(command, [.. records.Select(r => r.Record)]);
        command.Parameters.Add(NullableUuids("clients", records.Select(r => r.Placement.ClientId)));
        command.Parameters.AddWithValue("statuses", records.Select(r => r.Placement.Status).ToArray());
        command.Parameters.Add(NullableTexts("reasons", records.Select(r => r.Placement.Reason)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stores newer versions of known records and drops their old identifiers (the caller inserts the new ones).</summary>
    public async Task UpdateRecordVersionsAsync(IReadOnlyList<RecordWrite> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }
        await using var batch = Batch();
        var update = new NpgsqlBatchCommand("""
            update records r
            set raw_record_id = x.raw, source_updated_at = x.updated, staged_at = x.staged, correlation_id = x.correlation,
                fields = x.fields::jsonb, unusable_identifiers = x.unusable::jsonb, payload = x.payload::jsonb, updated_at = @now
            from unnest(@ids, @raws, @updateds, @stageds, @correlations, @fields, @unusables, @payloads)
                 as x(id, raw, updated, staged, correlation, fields, unusable, payload)
            where r.id = x.id
            """);
        update.Parameters.AddWithValue("now", now);
        update.Parameters.AddWithValue("ids", records.Select(r => r.Id).ToArray());
        update.Parameters.AddWithValue("raws", records.Select(r => r.RawRecordId).ToArray());
        update.Parameters.AddWithValue("updateds", records.Select(r => r.SourceUpdatedAt.ToUniversalTime()).ToArray());
        update.Parameters.AddWithValue("stageds", records.Select(r => r.StagedAt.ToUniversalTime()).ToArray());
        update.Parameters.AddWithValue("correlations", records.Select(r => r.CorrelationId).ToArray());
        update.Parameters.AddWithValue("fields", records.Select(r => r.FieldsJson).ToArray());
        update.Parameters.AddWithValue("unusables", records.Select(r => r.UnusableJson).ToArray());
        update.Parameters.AddWithValue("payloads", records.Select(r => r.PayloadJson).ToArray());
        batch.BatchCommands.Add(update);
        var delete = new NpgsqlBatchCommand("delete from record_identifiers where record_id = any(@ids)");
        delete.Parameters.AddWithValue("ids", records.Select(r => r.Id).ToArray());
        batch.BatchCommands.Add(delete);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Makes sure every value exists (configured blocked values are marked as they first appear, or when the
    /// configuration names them later) and returns them all.
    /// </summary>
    public async Task<List<StoredValue>> UpsertValuesAsync(
        string workspaceId,
        IReadOnlyList<(string Kind, string Value, bool Configured)> values,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (values.Count == 0)
        {
            return [];
        }
        await using var batch = Batch();
        var insert = new NpgsqlBatchCommand("""
            insert into identifier_values (workspace_id, kind, value, blocked_reason, blocked_detail, blocked_at, operator_allowed)
            select @w, x.kind, x.value,
                   case when x.configured then 'configured' end,
                   case when x.configured then 'in IdentityResolution:BlockedValues' end,
                   case when x.configured then @now end,
                   false
            from unnest(@kinds, @values, @configured) as x(kind, value, configured)
            order by x.kind, x.value
            on conflict (workspace_id, kind, value) do nothing
            """);
        insert.Parameters.AddWithValue("w", workspaceId);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("kinds", values.Select(v => v.Kind).ToArray());
        insert.Parameters.AddWithValue("values", values.Select(v => v.Value).ToArray());
        insert.Parameters.AddWithValue("configured", values.Select(v => v.Configured).ToArray());
        batch.BatchCommands.Add(insert);
        var select = new NpgsqlBatchCommand("""
            select v.id, v.kind, v.value, v.blocked_reason, v.operator_allowed
            from identifier_values v
            join unnest(@kinds, @values) as x(kind, value) on v.kind = x.kind and v.value = x.value
            where v.workspace_id = @w
            """);
        select.Parameters.AddWithValue("w", workspaceId);
        select.Parameters.AddWithValue("kinds", values.Select(v => v.Kind).ToArray());
        select.Parameters.AddWithValue("values", values.Select(v => v.Value).ToArray());
        batch.BatchCommands.Add(select);
        var stored = new List<StoredValue>(values.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add(new StoredValue(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4)));
        }
        return stored;
    }

    public async Task InsertRecordIdentifiersAsync(IReadOnlyList<(long RecordId, long ValueId)> pairs, CancellationToken cancellationToken)
    {
        if (pairs.Count == 0)
        {
            return;
        }
        await using var command = Command("""
            insert into record_identifiers (record_id, value_id)
            select * from unnest(@records, @values)
            on conflict do nothing
            """);
        command.Parameters.AddWithValue("records", pairs.Select(p => p.RecordId).ToArray());
        command.Parameters.AddWithValue("values", pairs.Select(p => p.ValueId).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Among <paramref name="valueIds"/>, the values held by more than <paramref name="threshold"/> records
    /// that between them show more than <paramref name="threshold"/> different values of one limited kind.
    /// Blocked values count like any other: whether a value is over-shared depends on the records holding it
    /// only, never on which other values were blocked before it (that would make the outcome depend on order).
    /// </summary>
    public async Task<List<SharedValue>> FindOverSharedValuesAsync(IReadOnlyList<long> valueIds, int threshold, CancellationToken cancellationToken)
    {
        if (valueIds.Count == 0)
        {
            return [];
        }
        await using var command = Command("""
            with hot as (
                select ri.value_id, count(*) as records
                from record_identifiers ri
                where ri.value_id = any(@ids)
                group by ri.value_id
                having count(*) > @threshold
            )
            select h.value_id, ov.kind, count(distinct ov.value) as distinct_values, h.records
            from hot h
            join record_identifiers ri on ri.value_id = h.value_id
            join record_identifiers ro on ro.record_id = ri.record_id and ro.value_id <> h.value_id
            join identifier_values ov on ov.id = ro.value_id
            where ov.kind = any(@kinds)
            group by h.value_id, ov.kind, h.records
            having count(distinct ov.value) > @threshold
            order by h.value_id, distinct_values desc
            """);
        command.Parameters.AddWithValue("ids", valueIds.ToArray());
        command.Parameters.AddWithValue("threshold", (long)threshold);
        command.Parameters.AddWithValue("kinds", Domain.Normalisation.IdentifierKindRules.LimitedKinds.ToArray());
        var found = new List<SharedValue>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new SharedValue(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return found;
    }

    public async Task SetBlockedAsync(IReadOnlyList<(long ValueId, string? Reason, string? Detail, bool OperatorAllowed)> changes,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }
        await using var command = Command("""
            update identifier_values v
            set blocked_reason = x.reason, blocked_detail = x.detail,
                blocked_at = case when x.reason is null then null else @now end,
                operator_allowed = x.allowed
            from unnest(@ids, @reasons, @details, @allowed) as x(id, reason, detail, allowed)
            where v.id = x.id
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("ids", changes.Select(c => c.ValueId).ToArray());
        command.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = changes.Select(c => (object?)c.Reason ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = changes.Select(c => (object?)c.Detail ?? DBNull.Value).ToArray() });
        command.Parameters.AddWithValue("allowed", changes.Select(c => c.OperatorAllowed).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The values the records hold now (before a newer version replaces their identifiers).</summary>
    public async Task<List<StoredValue>> ValuesHeldByAsync(IReadOnlyList<long> recordIds, CancellationToken cancellationToken)
    {
        if (recordIds.Count == 0)
        {
            return [];
        }
        await using var command = Command("""
            select distinct v.id, v.kind, v.value, v.blocked_reason, v.operator_allowed
            from record_identifiers ri
            join identifier_values v on v.id = ri.value_id
            where ri.record_id = any(@ids)
            """);
        command.Parameters.AddWithValue("ids", recordIds.ToArray());
        var values = new List<StoredValue>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(new StoredValue(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4)));
        }
        return values;
    }

    public async Task<List<long>> RecordsHoldingAsync(IReadOnlyList<long> valueIds, CancellationToken cancellationToken)
    {
        if (valueIds.Count == 0)
        {
            return [];
        }
        await using var command = Command("select distinct record_id from record_identifiers where value_id = any(@ids)");
        command.Parameters.AddWithValue("ids", valueIds.ToArray());
        return await ReadLongsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Every record reachable from <paramref name="seeds"/> through shared values that are not blocked, through
    /// the client a record is in now (so a client that must split is recomputed whole), and through operator
    /// merge and split decisions. Walked one hop per round trip with set-based statements (semi-joins, so a
    /// big client or a popular value is read once per hop, never once per record).
    /// </summary>
    public async Task<List<long>> WalkComponentAsync(IReadOnlyCollection<long> seeds, CancellationToken cancellationToken)
    {
        var seen = new HashSet<long>(seeds);
        var frontier = seeds.ToArray();
        while (frontier.Length > 0)
        {
            await using var command = Command("""
                select ri.record_id from record_identifiers ri
                where ri.value_id in (
                    select h.value_id from record_identifiers h join identifier_values v on v.id = h.value_id
                    where h.record_id = any(@frontier) and v.blocked_reason is null)
                union
                select r.id from records r
                where r.client_id in (select c.client_id from records c where c.id = any(@frontier) and c.client_id is not null)
                union
                select dr.record_id from operator_decision_records dr
                where dr.decision_id in (
                    select h.decision_id from operator_decision_records h join operator_decisions d on d.id = h.decision_id
                    where h.record_id = any(@frontier) and d.superseded_at is null and d.kind in ('merge', 'split'))
                """);
            command.Parameters.AddWithValue("frontier", frontier);
            frontier = (await ReadLongsAsync(command, cancellationToken)).Where(seen.Add).ToArray();
        }
        return [.. seen];
    }

    /// <summary>The records, their identifiers and the live operator decisions over them, in one round trip.</summary>
    public async Task<(List<ComponentRecord> Records, List<PartitionDecision> Decisions)> LoadComponentAsync(
        IReadOnlyList<long> recordIds, CancellationToken cancellationToken, IReadOnlyDictionary<long, ComponentRecord>? pending = null)
    {
        await using var batch = Batch();
        var records = new NpgsqlBatchCommand("""
            select id, source, entity_type, external_id, raw_record_id, source_updated_at, client_id, status, status_reason, fields::text
            from records where id = any(@ids)
            """);
        records.Parameters.AddWithValue("ids", recordIds.Where(id => pending?.ContainsKey(id) != true).ToArray());
        var identifiers = new NpgsqlBatchCommand("""
            select ri.record_id, v.kind, v.value, v.blocked_reason is not null
            from record_identifiers ri join identifier_values v on v.id = ri.value_id
            where ri.record_id = any(@ids)
            """);
        identifiers.Parameters.AddWithValue("ids", recordIds.ToArray());
        var decisions = new NpgsqlBatchCommand("""
            select d.id, d.kind, dr.record_id, dr.side
            from operator_decisions d join operator_decision_records dr on dr.decision_id = d.id
            where d.superseded_at is null and d.kind in ('merge', 'keep_apart', 'split')
              and d.id in (select decision_id from operator_decision_records where record_id = any(@ids))
            order by d.id, dr.side, dr.record_id
            """);
        decisions.Parameters.AddWithValue("ids", recordIds.ToArray());
        batch.BatchCommands.Add(records);
        batch.BatchCommands.Add(identifiers);
        batch.BatchCommands.Add(decisions);

        // Records not inserted yet come from the caller; their identifiers are stored (the check is deferred).
        var byId = new Dictionary<long, ComponentRecord>(recordIds.Count);
        foreach (var id in recordIds.Where(id => pending?.ContainsKey(id) == true))
        {
            byId[id] = pending![id] with { Identifiers = [] };
        }
        var sides = new Dictionary<long, (string Kind, List<long> A, List<long> B)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = new ComponentRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9), []);
            byId[record.Id] = record;
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            byId[reader.GetInt64(0)].Identifiers.Add(new PartitionIdentifier(reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (!sides.TryGetValue(id, out var decision))
            {
                sides[id] = decision = (reader.GetString(1), [], []);
            }
            (reader.GetInt16(3) == 1 ? decision.A : decision.B).Add(reader.GetInt64(2));
        }
        var parsed = sides
            .OrderBy(s => s.Key)
            .Select(s => new PartitionDecision(s.Key, DecisionKinds.Parse(s.Value.Kind), s.Value.A, s.Value.B))
            .ToList();
        return (byId.Values.ToList(), parsed);
    }

    public async Task<Dictionary<Guid, ClientState>> LoadClientsAsync(IReadOnlyCollection<Guid> clientIds, CancellationToken cancellationToken)
    {
        var clients = new Dictionary<Guid, ClientState>(clientIds.Count);
        if (clientIds.Count == 0)
        {
            return clients;
        }
        await using var command = Command("""
            select id, workspace_id, kind, status, merged_into_id, display_name, primary_email, primary_phone, document,
                   golden::text, identifiers::text, record_count, version, created_at, updated_at
            from clients where id = any(@ids)
            """);
        command.Parameters.AddWithValue("ids", clientIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var client = new ClientState
            {
                Id = reader.GetGuid(0),
                WorkspaceId = reader.GetString(1),
                Kind = reader.GetString(2),
                Status = reader.GetString(3),
                MergedIntoId = reader.IsDBNull(4) ? null : reader.GetGuid(4),
                DisplayName = reader.IsDBNull(5) ? null : reader.GetString(5),
                PrimaryEmail = reader.IsDBNull(6) ? null : reader.GetString(6),
                PrimaryPhone = reader.IsDBNull(7) ? null : reader.GetString(7),
                Document = reader.IsDBNull(8) ? null : reader.GetString(8),
                Golden = ResolutionJson.ReadGolden(reader.GetString(9)),
                Identifiers = ResolutionJson.ReadIdentifiers(reader.GetString(10)),
                RecordCount = reader.GetInt32(11),
                Version = reader.GetInt64(12),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
            };
            clients[client.Id] = client;
        }
        return clients;
    }

    /// <summary>Inserts new clients and updates changed ones (a tombstone row is updated, never deleted).</summary>
    public async Task SaveClientsAsync(IReadOnlyList<ClientState> clients, CancellationToken cancellationToken)
    {
        if (clients.Count == 0)
        {
            return;
        }
        await using var command = Command("""
            insert into clients (id, workspace_id, kind, status, merged_into_id, display_name, primary_email, primary_phone, document,
                                 golden, identifiers, record_count, version, created_at, updated_at)
            select x.id, x.workspace_id, x.kind, x.status, x.merged_into_id, x.display_name, x.primary_email, x.primary_phone, x.document,
                   x.golden::jsonb, x.identifiers::jsonb, x.record_count, x.version, x.created_at, x.updated_at
            from unnest(@ids, @workspaces, @kinds, @statuses, @mergedInto, @names, @emails, @phones, @documents,
                        @goldens, @identifiers, @counts, @versions, @createds, @updateds)
                 as x(id, workspace_id, kind, status, merged_into_id, display_name, primary_email, primary_phone, document,
                      golden, identifiers, record_count, version, created_at, updated_at)
            order by x.id
            on conflict (id) do update set
                kind = excluded.kind, status = excluded.status, merged_into_id = excluded.merged_into_id,
                display_name = excluded.display_name, primary_email = excluded.primary_email,
                primary_phone = excluded.primary_phone, document = excluded.document, golden = excluded.golden,
                identifiers = excluded.identifiers, record_count = excluded.record_count, version = excluded.version,
                updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("ids", clients.Select(c => c.Id).ToArray());
        command.Parameters.AddWithValue("workspaces", clients.Select(c => c.WorkspaceId).ToArray());
        command.Parameters.AddWithValue("kinds", clients.Select(c => c.Kind).ToArray());
        command.Parameters.AddWithValue("statuses", clients.Select(c => c.Status).ToArray());
        command.Parameters.Add(NullableUuids("mergedInto", clients.Select(c => c.MergedIntoId)));
        command.Parameters.Add(NullableTexts("names", clients.Select(c => c.DisplayName)));
        command.Parameters.Add(NullableTexts("emails", clients.Select(c => c.PrimaryEmail)));
        command.Parameters.Add(NullableTexts("phones", clients.Select(c => c.PrimaryPhone)));
        command.Parameters.Add(NullableTexts("documents", clients.Select(c => c.Document)));
        command.Parameters.AddWithValue("goldens", clients.Select(c => ResolutionJson.Write(c.Golden)).ToArray());
        command.Parameters.AddWithValue("identifiers", clients.Select(c => ResolutionJson.Write(c.Identifiers)).ToArray());
        command.Parameters.AddWithValue("counts", clients.Select(c => c.RecordCount).ToArray());
        command.Parameters.AddWithValue("versions", clients.Select(c => c.Version).ToArray());
        command.Parameters.AddWithValue("createds", clients.Select(c => c.CreatedAt).ToArray());
        command.Parameters.AddWithValue("updateds", clients.Select(c => c.UpdatedAt.ToUniversalTime()).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SavePlacementsAsync(IReadOnlyList<PlacementWrite> placements, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (placements.Count == 0)
        {
            return;
        }
        await using var command = Command("""
            update records r
            set client_id = x.client_id, status = x.status, status_reason = x.reason,
                linked_at = case when x.client_id is null then null
                                 when r.client_id is distinct from x.client_id then @now
                                 else r.linked_at end
            from unnest(@ids, @clients, @statuses, @reasons) as x(id, client_id, status, reason)
            where r.id = x.id
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("ids", placements.Select(p => p.RecordId).ToArray());
        command.Parameters.Add(NullableUuids("clients", placements.Select(p => p.ClientId)));
        command.Parameters.AddWithValue("statuses", placements.Select(p => p.Status).ToArray());
        command.Parameters.Add(NullableTexts("reasons", placements.Select(p => p.Reason)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<List<StoredConflict>> LoadOpenConflictsAsync(IReadOnlyCollection<Guid> clientIds, CancellationToken cancellationToken)
    {
        var conflicts = new List<StoredConflict>();
        if (clientIds.Count == 0)
        {
            return conflicts;
        }
        await using var command = Command("""
            select id, client_a_id, client_b_id, identifier_kind, identifier_value
            from merge_conflicts
            where status = 'open' and (client_a_id = any(@ids) or client_b_id = any(@ids))
            """);
        command.Parameters.AddWithValue("ids", clientIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conflicts.Add(new StoredConflict(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4)));
        }
        return conflicts;
    }

    public async Task SaveConflictsAsync(
        string workspaceId, IReadOnlyList<NewConflict> added, IReadOnlyList<Guid> superseded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (added.Count == 0 && superseded.Count == 0)
        {
            return;
        }
        await using var batch = Batch();
        if (added.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("""
                insert into merge_conflicts (id, workspace_id, client_a_id, client_b_id, identifier_kind, identifier_value, rule,
                                             record_a_id, record_b_id, status, created_at)
                select x.id, @w, x.a, x.b, x.kind, x.value, x.rule, x.ra, x.rb, 'open', @now
                from unnest(@ids, @as, @bs, @kinds, @values, @rules, @ras, @rbs) as x(id, a, b, kind, value, rule, ra, rb)
                """);
            insert.Parameters.AddWithValue("w", workspaceId);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("ids", added.Select(c => c.Id).ToArray());
            insert.Parameters.AddWithValue("as", added.Select(c => c.ClientAId).ToArray());
            insert.Parameters.AddWithValue("bs", added.Select(c => c.ClientBId).ToArray());
            insert.Parameters.AddWithValue("kinds", added.Select(c => c.Kind).ToArray());
            insert.Parameters.AddWithValue("values", added.Select(c => c.Value).ToArray());
            insert.Parameters.AddWithValue("rules", added.Select(c => c.Rule).ToArray());
            insert.Parameters.AddWithValue("ras", added.Select(c => c.RecordAId).ToArray());
            insert.Parameters.AddWithValue("rbs", added.Select(c => c.RecordBId).ToArray());
            batch.BatchCommands.Add(insert);
        }
        if (superseded.Count > 0)
        {
            var update = new NpgsqlBatchCommand("update merge_conflicts set status = 'superseded', resolved_at = @now where id = any(@ids) and status = 'open'");
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("ids", superseded.ToArray());
            batch.BatchCommands.Add(update);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The staged canonical records (JSON) of <paramref name="recordIds"/>, with their raw record ids.</summary>
    public async Task<Dictionary<long, (long RawRecordId, string Payload)>> LoadPayloadsAsync(IReadOnlyCollection<long> recordIds, CancellationToken cancellationToken)
    {
        var payloads = new Dictionary<long, (long, string)>(recordIds.Count);
        if (recordIds.Count == 0)
        {
            return payloads;
        }
        await using var command = Command("select id, raw_record_id, payload::text from records where id = any(@ids)");
        command.Parameters.AddWithValue("ids", recordIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            payloads[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetString(2));
        }
        return payloads;
    }

    /// <summary>Where records stand now (client and status), for re-announcing them on a replay.</summary>
    public async Task<Dictionary<long, (Guid? ClientId, string Status)>> LoadPlacementsAsync(IReadOnlyCollection<long> recordIds, CancellationToken cancellationToken)
    {
        var placements = new Dictionary<long, (Guid?, string)>(recordIds.Count);
        if (recordIds.Count == 0)
        {
            return placements;
        }
        await using var command = Command("select id, client_id, status from records where id = any(@ids)");
        command.Parameters.AddWithValue("ids", recordIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            placements[reader.GetInt64(0)] = (reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2));
        }
        return placements;
    }

    public async Task<long> InsertDecisionAsync(
        string workspaceId, string kind, Guid? conflictId, Guid? clientId, long? valueId, string? note, string? decidedBy,
        IReadOnlyCollection<long> sideA, IReadOnlyCollection<long> sideB, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            insert into operator_decisions (workspace_id, kind, conflict_id, client_id, value_id, note, decided_by, created_at)
            values (@w, @kind, @conflict, @client, @value, @note, @by, @now)
            returning id
            """);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("conflict", (object?)conflictId ?? DBNull.Value);
        command.Parameters.AddWithValue("client", (object?)clientId ?? DBNull.Value);
        command.Parameters.AddWithValue("value", (object?)valueId ?? DBNull.Value);
        command.Parameters.AddWithValue("note", (object?)note ?? DBNull.Value);
        command.Parameters.AddWithValue("by", (object?)decidedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("now", now);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (sideA.Count + sideB.Count > 0)
        {
            await using var records = Command("""
                insert into operator_decision_records (decision_id, record_id, side)
                select @id, x.record_id, x.side from unnest(@records, @sides) as x(record_id, side)
                """);
            records.Parameters.AddWithValue("id", id);
            records.Parameters.AddWithValue("records", sideA.Concat(sideB).ToArray());
            records.Parameters.AddWithValue("sides", sideA.Select(_ => (short)1).Concat(sideB.Select(_ => (short)2)).ToArray());
            await records.ExecuteNonQueryAsync(cancellationToken);
        }
        return id;
    }

    /// <summary>
    /// Supersedes the live decisions a new one contradicts: merges joining records the new decision separates,
    /// or keep-apart and split decisions separating records the new decision joins.
    /// </summary>
    public async Task<int> SupersedeContradictedAsync(
        long newDecisionId, IReadOnlyCollection<long> together, IReadOnlyCollection<long> sideA, IReadOnlyCollection<long> sideB,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            with candidates as (
                select d.id, d.kind,
                       array_agg(dr.record_id) filter (where dr.side = 1) as a,
                       array_agg(dr.record_id) filter (where dr.side = 2) as b,
                       array_agg(dr.record_id) as all_records
                from operator_decisions d join operator_decision_records dr on dr.decision_id = d.id
                where d.superseded_at is null and d.id <> @id and d.kind in ('merge', 'keep_apart', 'split')
                  and d.id in (select decision_id from operator_decision_records where record_id = any(@touched))
                group by d.id, d.kind
            )
            update operator_decisions d set superseded_at = @now, superseded_by_id = @id
            from candidates c
            where d.id = c.id and (
                -- an older merge joined records that the new decision separates
                (c.kind = 'merge' and c.all_records && @sideA and c.all_records && @sideB)
                -- an older separation split records that the new decision joins
                or (c.kind in ('keep_apart', 'split') and (
                        (c.a && @together and c.b && @together)))
                -- an older split kept together records that the new decision separates
                or (c.kind = 'split' and c.a && @sideA and c.a && @sideB))
            """);
        command.Parameters.AddWithValue("id", newDecisionId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("touched", together.Concat(sideA).Concat(sideB).Distinct().ToArray());
        command.Parameters.AddWithValue("together", together.ToArray());
        command.Parameters.AddWithValue("sideA", sideA.ToArray());
        command.Parameters.AddWithValue("sideB", sideB.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A command in this store's transaction (for the operator reads beside the hot path).</summary>
    public NpgsqlCommand NewCommand(string sql) => Command(sql);

    private NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    private NpgsqlBatch Batch() => new(connection) { Transaction = transaction };

    private static void AddRecordArrays(NpgsqlCommand command, IReadOnlyList<RecordWrite> records)
    {
        command.Parameters.AddWithValue("sources", records.Select(r => r.Source).ToArray());
        command.Parameters.AddWithValue("types", records.Select(r => r.EntityType).ToArray());
        command.Parameters.AddWithValue("externals", records.Select(r => r.ExternalId).ToArray());
        command.Parameters.AddWithValue("raws", records.Select(r => r.RawRecordId).ToArray());
        command.Parameters.AddWithValue("updateds", records.Select(r => r.SourceUpdatedAt.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue("stageds", records.Select(r => r.StagedAt.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue("correlations", records.Select(r => r.CorrelationId).ToArray());
        command.Parameters.AddWithValue("fields", records.Select(r => r.FieldsJson).ToArray());
        command.Parameters.AddWithValue("unusables", records.Select(r => r.UnusableJson).ToArray());
        command.Parameters.AddWithValue("payloads", records.Select(r => r.PayloadJson).ToArray());
    }

    private static NpgsqlParameter NullableUuids(string name, IEnumerable<Guid?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = values.Select(v => v is { } g ? (object)g : DBNull.Value).ToArray() };

    private static NpgsqlParameter NullableTexts(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Select(v => (object?)v ?? DBNull.Value).ToArray() };

    private static async Task<List<long>> ReadLongsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }
}

/// <summary>A stored conflict with everything an operator action needs.</summary>
internal sealed record ConflictRow(Guid Id, string WorkspaceId, Guid ClientAId, Guid ClientBId, string Kind, string Value, string Status);

/// <summary>Reads and writes for operator actions (same transaction and lock as resolution).</summary>
internal static class OperatorStoreExtensions
{
    public static async Task<ConflictRow?> LoadConflictAsync(this ResolutionStore store, Guid conflictId, CancellationToken cancellationToken)
    {
        await using var command = store.NewCommand("""
            select id, workspace_id, client_a_id, client_b_id, identifier_kind, identifier_value, status
            from merge_conflicts where id = @id
            """);
        command.Parameters.AddWithValue("id", conflictId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ConflictRow(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5), reader.GetString(6))
            : null;
    }

    public static async Task ResolveConflictAsync(this ResolutionStore store, Guid conflictId, string status, long decisionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = store.NewCommand(
            "update merge_conflicts set status = @status, resolved_at = @now, decision_id = @decision where id = @id");
        command.Parameters.AddWithValue("id", conflictId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("decision", decisionId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The records of each client of the workspace (ids in ascending order; none for a client of another workspace).</summary>
    public static async Task<Dictionary<Guid, List<long>>> RecordsOfClientsAsync(
        this ResolutionStore store, string workspaceId, IReadOnlyCollection<Guid> clientIds, CancellationToken cancellationToken)
    {
        var records = clientIds.Distinct().ToDictionary(id => id, _ => new List<long>());
        await using var command = store.NewCommand("select client_id, id from records where client_id = any(@ids) and workspace_id = @w order by id");
        command.Parameters.AddWithValue("ids", clientIds.ToArray());
        command.Parameters.AddWithValue("w", workspaceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records[reader.GetGuid(0)].Add(reader.GetInt64(1));
        }
        return records;
    }

    public static async Task<string?> WorkspaceOfClientAsync(this ResolutionStore store, Guid clientId, CancellationToken cancellationToken)
    {
        await using var command = store.NewCommand("select workspace_id from clients where id = @id");
        command.Parameters.AddWithValue("id", clientId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public static async Task<(string WorkspaceId, StoredValue Value)?> LoadValueAsync(this ResolutionStore store, long valueId, CancellationToken cancellationToken)
    {
        await using var command = store.NewCommand(
            "select workspace_id, id, kind, value, blocked_reason, operator_allowed from identifier_values where id = @id");
        command.Parameters.AddWithValue("id", valueId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetString(0), new StoredValue(reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5)))
            : null;
    }
}
