using System.Data;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;
using Platform.IdentityResolution.Persistence;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>Why an operator action was not applied: an HTTP status and a message a person can act on.</summary>
internal sealed record OperatorProblem(int Status, string Title, string Detail);

/// <summary>What an operator action did (or why not), and the events to publish after it.</summary>
internal sealed record OperatorOutcome<T>(T? Value, OperatorProblem? Problem, IReadOnlyList<object> Events) where T : class;

/// <summary>Where the clients stand after an operator action.</summary>
internal sealed record OperatorActionResult(long? DecisionId, IReadOnlyList<Guid> ClientIds, string Summary);

internal sealed partial class IdentityResolver
{
    private delegate Task<(OperatorProblem? Problem, OperatorActionResult? Value, RecomputeResult? Result, string Reason)> OperatorWork(
        ResolutionStore store, ResolutionRules rules, DateTimeOffset now);

    /// <summary>Merges the two clients of an open conflict anyway, or keeps them apart for good.</summary>
    public async Task<OperatorOutcome<OperatorActionResult>> ResolveConflictAsync(
        Guid conflictId, bool merge, string? note, string? decidedBy, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var workspaceId = (await new ResolutionStore(connection, null!).LoadConflictAsync(conflictId, cancellationToken))?.WorkspaceId;
        if (workspaceId is null)
        {
            return NotFound($"Conflict {conflictId} was not found. List open conflicts with GET /api/conflicts?workspaceId=....");
        }
        return await InWorkspaceAsync(connection, workspaceId, correlationId, async (store, rules, now) =>
        {
            var conflict = (await store.LoadConflictAsync(conflictId, cancellationToken))!;
            if (conflict.Status != ConflictStatuses.Open)
            {
                return (new OperatorProblem(StatusCodes.Status409Conflict, "Conflict is not open",
                    $"Conflict {conflictId} is already {conflict.Status}; only open conflicts can be resolved."), null, null, "");
            }
            var records = await store.RecordsOfClientsAsync(conflict.WorkspaceId, [conflict.ClientAId, conflict.ClientBId], cancellationToken);
            var (a, b) = (records[conflict.ClientAId], records[conflict.ClientBId]);
            var kind = merge ? DecisionKinds.Merge : DecisionKinds.KeepApart;
            var decision = await store.InsertDecisionAsync(conflict.WorkspaceId, kind, conflictId, null, null, note, decidedBy, a, b, now, cancellationToken);
            await store.SupersedeContradictedAsync(decision, merge ? [.. a, .. b] : [], merge ? [] : a, merge ? [] : b, now, cancellationToken);
            await store.ResolveConflictAsync(conflictId, merge ? ConflictStatuses.Merged : ConflictStatuses.KeptApart, decision, now, cancellationToken);
            var result = await ComponentRecompute.RunAsync(store, conflict.WorkspaceId, [.. a, .. b], new HashSet<long>(), rules, now, cancellationToken);
            var clients = a.Concat(b).Select(r => ClientOf(result, r)).OfType<Guid>().Distinct().ToList();
            return (null, new OperatorActionResult(decision, clients, merge
                ? $"Merged: the records of both clients are now in client {string.Join(", ", clients)}."
                : "Kept apart: the two clients will not be merged through this or any other shared value."), result,
                $"operator decision {decision}");
        }, cancellationToken);
    }

    /// <summary>Moves <paramref name="recordIds"/> out of a client into a client of their own, and keeps them apart from the rest.</summary>
    public async Task<OperatorOutcome<OperatorActionResult>> SplitAsync(
        Guid clientId, IReadOnlyList<long> recordIds, string? note, string? decidedBy, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var workspaceId = await new ResolutionStore(connection, null!).WorkspaceOfClientAsync(clientId, cancellationToken);
        if (workspaceId is null)
        {
            return NotFound($"Client {clientId} was not found.");
        }
        return await InWorkspaceAsync(connection, workspaceId, correlationId, async (store, rules, now) =>
        {
            var records = (await store.RecordsOfClientsAsync(workspaceId, [clientId], cancellationToken))[clientId];
            var moving = recordIds.Distinct().ToList();
            if (records.Count == 0)
            {
                return (new OperatorProblem(StatusCodes.Status409Conflict, "Client is not active",
                    $"Client {clientId} has no records (it was merged or dissolved); split the client it was merged into."), null, null, "");
            }
            var foreign = moving.Where(id => !records.Contains(id)).ToList();
            if (foreign.Count > 0)
            {
                return (new OperatorProblem(StatusCodes.Status400BadRequest, "Records are not in this client",
                    $"Records {string.Join(", ", foreign)} are not in client {clientId}; read GET /api/clients/{clientId} for its record ids."), null, null, "");
            }
            if (moving.Count == records.Count)
            {
                return (new OperatorProblem(StatusCodes.Status400BadRequest, "Nothing would be left",
                    "Splitting every record of a client would leave it empty; name only the records to move out."), null, null, "");
            }
            var staying = records.Except(moving).ToList();
            var decision = await store.InsertDecisionAsync(workspaceId, DecisionKinds.Split, null, clientId, null, note, decidedBy, moving, staying, now, cancellationToken);
            await store.SupersedeContradictedAsync(decision, moving, moving, staying, now, cancellationToken);
            var result = await ComponentRecompute.RunAsync(store, workspaceId, records, new HashSet<long>(), rules, now, cancellationToken,
                new Dictionary<Guid, long> { [clientId] = staying[0] });
            var movedTo = moving.Select(r => ClientOf(result, r)).Distinct().ToList();
            return (null, new OperatorActionResult(decision, [ClientOf(result, staying[0])!.Value, .. movedTo.OfType<Guid>()],
                movedTo.All(c => c is null)
                    ? "Split: the records left the client; they have no usable identifier of their own and are in no client now."
                    : $"Split: {moving.Count} records moved to client {string.Join(", ", movedTo.OfType<Guid>())}; they stay apart from client {clientId}."),
                result, $"operator decision {decision} (split)");
        }, cancellationToken);
    }

    /// <summary>Merges other clients into <paramref name="clientId"/> (it survives), whatever the limits say.</summary>
    public async Task<OperatorOutcome<OperatorActionResult>> MergeAsync(
        Guid clientId, IReadOnlyList<Guid> others, string? note, string? decidedBy, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var workspaceId = await new ResolutionStore(connection, null!).WorkspaceOfClientAsync(clientId, cancellationToken);
        if (workspaceId is null)
        {
            return NotFound($"Client {clientId} was not found.");
        }
        return await InWorkspaceAsync(connection, workspaceId, correlationId, async (store, rules, now) =>
        {
            var ids = others.Where(o => o != clientId).Distinct().ToList();
            var records = await store.RecordsOfClientsAsync(workspaceId, [clientId, .. ids], cancellationToken);
            var empty = records.Where(r => r.Value.Count == 0).Select(r => r.Key).ToList();
            if (empty.Count > 0)
            {
                return (new OperatorProblem(StatusCodes.Status409Conflict, "Clients are not active",
                    $"Clients {string.Join(", ", empty)} have no records in workspace {workspaceId} (unknown, of another workspace, merged or dissolved); clients never merge across workspaces."), null, null, "");
            }
            var target = records[clientId];
            var merged = ids.SelectMany(id => records[id]).ToList();
            var decision = await store.InsertDecisionAsync(workspaceId, DecisionKinds.Merge, null, clientId, null, note, decidedBy, target, merged, now, cancellationToken);
            await store.SupersedeContradictedAsync(decision, [.. target, .. merged], [], [], now, cancellationToken);
            var result = await ComponentRecompute.RunAsync(store, workspaceId, [.. target, .. merged], new HashSet<long>(), rules, now, cancellationToken,
                new Dictionary<Guid, long> { [clientId] = target[0] });
            return (null, new OperatorActionResult(decision, [ClientOf(result, target[0])!.Value],
                $"Merged {ids.Count} clients into {clientId}."), result, $"operator decision {decision} (merge)");
        }, cancellationToken);
    }

    /// <summary>Blocks a value in a workspace: it stops linking at once, and clients built on it are recomputed.</summary>
    public async Task<OperatorOutcome<OperatorActionResult>> BlockValueAsync(
        string workspaceId, string kind, string value, string? note, string? decidedBy, Guid correlationId, CancellationToken cancellationToken)
    {
        if (IdentifierNormaliser.Normalise(new Identifier(kind, value)) is not { } normalised)
        {
            return new OperatorOutcome<OperatorActionResult>(null, new OperatorProblem(StatusCodes.Status400BadRequest, "Value does not normalise",
                $"'{value}' is not a usable {kind} ({IdentifierNormaliser.WhyUnusable(kind)}); it never links, so there is nothing to block."), []);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InWorkspaceAsync(connection, workspaceId, correlationId, async (store, rules, now) =>
        {
            var stored = (await store.UpsertValuesAsync(workspaceId, [(normalised.Kind, normalised.Value, false)], now, cancellationToken)).Single();
            if (stored.BlockedReason is not null)
            {
                return (new OperatorProblem(StatusCodes.Status409Conflict, "Value is already blocked",
                    $"{normalised.Kind} {normalised.Value} is already blocked ({stored.BlockedReason})."), null, null, "");
            }
            await store.SetBlockedAsync([(stored.Id, BlockedReasons.Operator, note ?? "blocked by an operator", false)], now, cancellationToken);
            var decision = await store.InsertDecisionAsync(workspaceId, DecisionKinds.BlockValue, null, null, stored.Id, note, decidedBy, [], [], now, cancellationToken);
            var holders = await store.RecordsHoldingAsync([stored.Id], cancellationToken);
            var result = await ComponentRecompute.RunAsync(store, workspaceId, holders, new HashSet<long>(), rules, now, cancellationToken);
            return (null, new OperatorActionResult(decision, result.Changed.Select(c => c.Id).ToList(),
                $"Blocked {normalised.Kind} {normalised.Value}; {holders.Count} records recomputed."), result, $"{normalised.Kind} {normalised.Value} was blocked");
        }, cancellationToken);
    }

    /// <summary>Unblocks a detected or operator-blocked value: it links again, and detection leaves it alone from now on.</summary>
    public async Task<OperatorOutcome<OperatorActionResult>> UnblockValueAsync(long valueId, string? note, string? decidedBy, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = await new ResolutionStore(connection, null!).LoadValueAsync(valueId, cancellationToken);
        if (found is not { } known)
        {
            return NotFound($"Blocked value {valueId} was not found. List them with GET /api/identity/blocked-values?workspaceId=....");
        }
        return await InWorkspaceAsync(connection, known.WorkspaceId, correlationId, async (store, rules, now) =>
        {
            var value = (await store.LoadValueAsync(valueId, cancellationToken))!.Value.Value;
            if (value.BlockedReason is null)
            {
                return (new OperatorProblem(StatusCodes.Status409Conflict, "Value is not blocked", $"{value.Kind} {value.Value} is not blocked."), null, null, "");
            }
            if (value.BlockedReason == BlockedReasons.Configured && defaults.IsConfiguredBlocked(value.Kind, value.Value))
            {
                return (new OperatorProblem(StatusCodes.Status409Conflict, "Value is blocked by configuration",
                    $"{value.Kind} {value.Value} is in IdentityResolution:BlockedValues; remove it there to unblock it."), null, null, "");
            }
            await store.SetBlockedAsync([(value.Id, null, null, true)], now, cancellationToken);
            var decision = await store.InsertDecisionAsync(known.WorkspaceId, DecisionKinds.UnblockValue, null, null, value.Id, note, decidedBy, [], [], now, cancellationToken);
            var holders = await store.RecordsHoldingAsync([value.Id], cancellationToken);
            var result = await ComponentRecompute.RunAsync(store, known.WorkspaceId, holders, new HashSet<long>(), rules, now, cancellationToken);
            return (null, new OperatorActionResult(decision, result.Changed.Select(c => c.Id).ToList(),
                $"Unblocked {value.Kind} {value.Value}; {holders.Count} records recomputed."), result, $"{value.Kind} {value.Value} was unblocked");
        }, cancellationToken);
    }

    /// <summary>
    /// Recomputes the components of some records under the workspace lock (records they shared a value with were
    /// erased: the conflicts between them, which were the erased record's, are theirs now) and returns the events to
    /// publish after it.
    /// </summary>
    public async Task<IReadOnlyList<object>> RecomputeAsync(string workspaceId, IReadOnlyCollection<long> seeds, string reason, Guid correlationId,
        CancellationToken cancellationToken)
    {
        if (seeds.Count == 0)
        {
            return [];
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var outcome = await InWorkspaceAsync(connection, workspaceId, correlationId, async (store, rules, now) =>
        {
            var result = await ComponentRecompute.RunAsync(store, workspaceId, seeds, new HashSet<long>(), rules, now, cancellationToken);
            return (null, new OperatorActionResult(null, result.Changed.Select(c => c.Id).ToList(), $"{seeds.Count} records recomputed"), result, reason);
        }, cancellationToken);
        return outcome.Events;
    }

    private static Guid? ClientOf(RecomputeResult result, long recordId) =>
        result.Partition.Placements.TryGetValue(recordId, out var placement) ? result.Assignment.GroupClients[placement.Group] : null;

    private static OperatorOutcome<OperatorActionResult> NotFound(string detail) =>
        new(null, new OperatorProblem(StatusCodes.Status404NotFound, "Not found", detail), []);

    private async Task<OperatorOutcome<OperatorActionResult>> InWorkspaceAsync(
        Npgsql.NpgsqlConnection connection, string workspaceId, Guid correlationId, OperatorWork work, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var store = new ResolutionStore(connection, transaction);
        await store.LockWorkspaceAsync(workspaceId, cancellationToken);
        var rules = defaults.RulesFor(await store.LoadSettingsJsonAsync(workspaceId, cancellationToken));
        var now = time.GetUtcNow();
        var (problem, value, result, reason) = await work(store, rules, now);
        if (problem is not null || result is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new OperatorOutcome<OperatorActionResult>(null, problem, []);
        }
        var events = new ResolutionEvents(workspaceId, [correlationId], now, new Dictionary<long, int>());
        var noTouched = new HashSet<long>();
        var payloads = await PayloadsAsync(store, ResolutionEvents.LinkedRecords(result, noTouched), [], cancellationToken);
        events.AddRecompute(result, noTouched, payloads, reason);
        await transaction.CommitAsync(cancellationToken);
        return new OperatorOutcome<OperatorActionResult>(value, null, events.Events.Select(e => e.Message).ToList());
    }
}
