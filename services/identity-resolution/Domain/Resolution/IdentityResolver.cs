using System.Data;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;
using Platform.IdentityResolution.Persistence;
using Platform.ServiceDefaults.Database;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>
/// Resolves staged records and applies operator decisions. Every call is one transaction holding the
/// workspace's advisory lock: it stores what changed (records, identifiers, blocked values, decisions), then
/// recomputes the affected component(s) from the stored state (<see cref="ComponentRecompute"/>). Because the
/// recompute depends only on the stored records, decisions and rules, the result does not depend on the order
/// in which records arrived, on batch boundaries, or on how many instances run.
/// </summary>
internal sealed partial class IdentityResolver(
    NpgsqlDataSource dataSource, ResolutionDefaults defaults, TimeProvider time, StatisticsKeeper statistics, ILogger<IdentityResolver> logger)
{
    /// <summary>Resolves a batch of staged records of one workspace; returns the events to publish, by message index.</summary>
    public async Task<IReadOnlyList<PendingEvent>> ResolveAsync(IReadOnlyList<RawRecordStaged> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }
        var workspaceId = messages[0].WorkspaceId;
        if (messages.Any(m => m.WorkspaceId != workspaceId))
        {
            throw new ArgumentException("A batch holds records of one workspace only.", nameof(messages));
        }
        var items = messages.Select((m, i) => StagedItem.From(i, m)).ToList();
        await statistics.RefreshIfStaleAsync(cancellationToken);
        var started = time.GetTimestamp();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var store = new ResolutionStore(connection, transaction);
        await store.LockWorkspaceAsync(workspaceId, cancellationToken);
        var now = time.GetUtcNow();
        var rules = defaults.RulesFor(await store.LoadSettingsJsonAsync(workspaceId, cancellationToken));

        // Versions: per record, only the newest version in the batch is applied, and only when it is newer than
        // the stored one. Everything else (a replay, an older version) changes nothing.
        var stored = (await store.FindRecordsAsync(workspaceId, items.Select(i => i.Key).Distinct().ToList(), cancellationToken))
            .ToDictionary(s => (s.Source, s.EntityType, s.ExternalId));
        var applied = new List<StagedItem>();
        var unchanged = new List<StagedItem>();
        foreach (var versions in items.GroupBy(i => i.Key))
        {
            var newest = versions.MaxBy(i => i.Version)!;
            var isNewer = !stored.TryGetValue(versions.Key, out var current)
                || newest.Version.IsNewerThan(RecordVersion.At(current.SourceUpdatedAt, current.RawRecordId));
            foreach (var item in versions)
            {
                (isNewer && ReferenceEquals(item, newest) ? applied : unchanged).Add(item);
            }
        }

        // The values newer versions drop are held by fewer records now: whether they are over-shared is re-read too.
        var previousValues = await store.ValuesHeldByAsync(
            applied.Where(i => stored.ContainsKey(i.Key)).Select(i => stored[i.Key].Id).ToList(), cancellationToken);
        var (recordIds, pending) = await WriteRecordsAsync(store, applied, stored, now, cancellationToken);
        var blockedRecords = await WriteIdentifiersAsync(store, workspaceId, applied, recordIds, previousValues, rules, now, cancellationToken);

        var touched = recordIds.Values.ToHashSet();
        var result = await ComponentRecompute.RunAsync(
            store, workspaceId, touched.Concat(blockedRecords).ToHashSet(), touched, rules, now, cancellationToken, pending: pending);

        var origins = applied.ToDictionary(i => recordIds[i.Index], i => i.Index);
        var events = new ResolutionEvents(workspaceId, messages.Select(m => m.CorrelationId).ToList(), now, origins);
        var payloads = await PayloadsAsync(store, ResolutionEvents.LinkedRecords(result, touched),
            applied.ToDictionary(i => recordIds[i.Index], i => (i.Message.RawRecordId, i.Message.Record)), cancellationToken);
        events.AddRecompute(result, touched, payloads, "their records no longer link (a value was blocked or a record's identifiers changed)");
        var idOfKey = stored.ToDictionary(s => s.Key, s => s.Value.Id);
        foreach (var item in applied)
        {
            idOfKey[item.Key] = recordIds[item.Index];
        }
        await AddCurrentStateAsync(store, events, unchanged.Select(i => (i.Index, idOfKey[i.Key])).ToList(), result, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        LogBatch(logger, workspaceId, messages.Count, applied.Count, result.Records.Count, time.GetElapsedTime(started).TotalMilliseconds,
            result.Changed.Count, result.Assignment.MergedInto.Count, result.Assignment.SplitMoves.Count, result.NewConflicts.Count);
        return events.Events;
    }

    /// <summary>
    /// Stores newer versions of known records and reserves ids for new ones, which the recompute inserts once it has placed
    /// them; returns the record id of every applied item, by message index, and the new records.
    /// </summary>
    private static async Task<(Dictionary<int, long> Ids, Dictionary<long, PendingRecord> Pending)> WriteRecordsAsync(
        ResolutionStore store,
        List<StagedItem> applied,
        Dictionary<(string, string, string), StoredVersion> stored,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        RecordWrite Write(StagedItem item, long id) => new(
            id, item.Message.Source, item.EntityType, item.Message.Record.ExternalId, item.Message.RawRecordId,
            item.Version.SourceUpdatedAt, item.Message.StagedAt, item.Message.CorrelationId,
            ResolutionJson.Write(item.Fields), ResolutionJson.Write(item.Identifiers.Unusable), ResolutionJson.Write(item.Message.Record));

        var inserts = applied.Where(i => !stored.ContainsKey(i.Key)).ToList();
        var updates = applied.Where(i => stored.ContainsKey(i.Key)).ToList();
        var ids = new Dictionary<int, long>(applied.Count);
        var pending = new Dictionary<long, PendingRecord>(inserts.Count);
        var reserved = await store.ReserveRecordIdsAsync(inserts.Count, cancellationToken);
        for (var i = 0; i < inserts.Count; i++)
        {
            var write = Write(inserts[i], reserved[i]);
            ids[inserts[i].Index] = reserved[i];
            pending[reserved[i]] = new PendingRecord(
                new ComponentRecord(reserved[i], write.Source, write.EntityType, write.ExternalId, write.RawRecordId, write.SourceUpdatedAt,
                    null, RecordStatuses.Skipped, null, write.FieldsJson, []),
                write);
        }
        foreach (var item in updates)
        {
            ids[item.Index] = stored[item.Key].Id;
        }
        await store.UpdateRecordVersionsAsync(updates.Select(i => Write(i, stored[i.Key].Id)).ToList(), now, cancellationToken);
        return (ids, pending);
    }

    /// <summary>
    /// Stores the applied records' identifiers, then blocks values that are configured or now shared by too many
    /// disagreeing records, and unblocks detected values that no longer are. Detection reads every value the
    /// applied records hold or held, from the stored records alone, so the blocked set is a function of the
    /// stored records and decisions, not of arrival order or batching. Returns the records holding values whose
    /// state changed, and the other holders of values a newer version dropped: their clients must be recomputed.
    /// </summary>
    private async Task<List<long>> WriteIdentifiersAsync(
        ResolutionStore store,
        string workspaceId,
        List<StagedItem> applied,
        Dictionary<int, long> recordIds,
        List<StoredValue> previousValues,
        ResolutionRules rules,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var wanted = applied.SelectMany(i => i.Identifiers.Usable).Distinct()
            .Select(i => (i.Kind, i.Value, defaults.IsConfiguredBlocked(i.Kind, i.Value)))
            .ToList();
        var values = await store.UpsertValuesAsync(workspaceId, wanted, now, cancellationToken);
        var valueIds = values.ToDictionary(v => (v.Kind, v.Value), v => v.Id);
        await store.InsertRecordIdentifiersAsync(
            applied.SelectMany(i => i.Identifiers.Usable.Select(id => (recordIds[i.Index], valueIds[(id.Kind, id.Value)]))).ToList(),
            cancellationToken);

        // The configured list may have changed since a value was first seen: it is applied as records holding
        // the value arrive (a value taken off the list links again).
        var changes = values
            .Where(v => v.BlockedReason != BlockedReasons.Configured && defaults.IsConfiguredBlocked(v.Kind, v.Value))
            .Select(v => (v.Id, (string?)BlockedReasons.Configured, (string?)"in IdentityResolution:BlockedValues", false))
            .Concat(values
                .Where(v => v.BlockedReason == BlockedReasons.Configured && !defaults.IsConfiguredBlocked(v.Kind, v.Value))
                .Select(v => (v.Id, (string?)null, (string?)null, false)))
            .ToList();
        var candidates = values.Concat(previousValues)
            .Where(v => (v.BlockedReason is null or BlockedReasons.Detected) && !v.OperatorAllowed && !defaults.IsConfiguredBlocked(v.Kind, v.Value))
            .DistinctBy(v => v.Id)
            .ToDictionary(v => v.Id);
        var overShared = (await store.FindOverSharedValuesAsync(candidates.Keys.ToList(), rules.BlockThreshold, cancellationToken))
            .GroupBy(s => s.ValueId)
            .ToDictionary(g => g.Key, g => g.First());
        foreach (var value in candidates.Values.OrderBy(v => v.Id))
        {
            if (overShared.TryGetValue(value.Id, out var worst) && value.BlockedReason is null)
            {
                var detail = $"shared by {worst.Records} records showing {worst.DistinctOtherValues} different {worst.OtherKind} values (threshold {rules.BlockThreshold})";
                changes.Add((value.Id, BlockedReasons.Detected, detail, false));
                LogBlocked(logger, workspaceId, value.Kind, IdentifierMask.Mask(value.Kind, value.Value), detail);
            }
            else if (!overShared.ContainsKey(value.Id) && value.BlockedReason == BlockedReasons.Detected)
            {
                changes.Add((value.Id, null, null, false));
            }
        }
        await store.SetBlockedAsync(changes, now, cancellationToken);

        // A value a newer version dropped still links its other holders, but differently: the record that dropped
        // it may have been the first holder, whose refusals were the open conflicts. Its other holders are not
        // reached from the record any more, so they are recomputed too (a blocked value links nobody: skipped).
        var blockedAfter = changes.GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => g.Last().Item2);
        var stillLinking = previousValues
            .Where(v => (blockedAfter.TryGetValue(v.Id, out var reason) ? reason : v.BlockedReason) is null)
            .Select(v => v.Id);
        return await store.RecordsHoldingAsync(changes.Select(c => c.Item1).Concat(stillLinking).Distinct().ToList(), cancellationToken);
    }

    private static async Task<Dictionary<long, (long, CanonicalRecord)>> PayloadsAsync(
        ResolutionStore store,
        IReadOnlyList<long> recordIds,
        Dictionary<long, (long RawRecordId, CanonicalRecord Record)> known,
        CancellationToken cancellationToken)
    {
        var payloads = recordIds.Where(known.ContainsKey).ToDictionary(id => id, id => known[id]);
        var missing = recordIds.Where(id => !known.ContainsKey(id)).ToList();
        foreach (var (id, (raw, json)) in await store.LoadPayloadsAsync(missing, cancellationToken))
        {
            payloads[id] = (raw, ResolutionJson.ReadRecord(json));
        }
        return payloads;
    }

    /// <summary>For replayed or older versions: the record and its client as they are now (nothing changed, nothing bumped).</summary>
    private static async Task AddCurrentStateAsync(
        ResolutionStore store,
        ResolutionEvents events,
        List<(int Origin, long RecordId)> unchanged,
        RecomputeResult result,
        CancellationToken cancellationToken)
    {
        if (unchanged.Count == 0)
        {
            return;
        }
        var recordIds = unchanged.Select(u => u.RecordId).Distinct().ToList();
        var placements = await store.LoadPlacementsAsync(recordIds, cancellationToken);
        var clientIds = placements.Values.Where(p => p.ClientId is not null).Select(p => p.ClientId!.Value).Distinct().ToList();
        var clients = result.Clients.Where(c => clientIds.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value);
        foreach (var (id, client) in await store.LoadClientsAsync(clientIds.Where(id => !clients.ContainsKey(id)).ToList(), cancellationToken))
        {
            clients[id] = client;
        }
        var payloads = await store.LoadPayloadsAsync(recordIds, cancellationToken);
        foreach (var (origin, recordId) in unchanged)
        {
            if (placements[recordId].ClientId is { } clientId)
            {
                var (raw, json) = payloads[recordId];
                events.AddCurrentState(origin, clients[clientId], raw, ResolutionJson.ReadRecord(json));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Resolved {Messages} staged records in workspace {WorkspaceId} ({Applied} new versions, {Recomputed} records recomputed) in {ElapsedMs:F0} ms: {Changed} clients changed, {Merged} merged, {Split} split, {Conflicts} new conflicts")]
    private static partial void LogBatch(
        ILogger logger, string workspaceId, int messages, int applied, int recomputed, double elapsedMs, int changed, int merged, int split, int conflicts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blocked {Kind} {MaskedValue} in workspace {WorkspaceId}: {Detail}")]
    private static partial void LogBlocked(ILogger logger, string workspaceId, string kind, string maskedValue, string detail);
}

/// <summary>Why a value is blocked, as stored.</summary>
internal static class BlockedReasons
{
    public const string Configured = "configured";
    public const string Detected = "detected";
    public const string Operator = "operator";
}
