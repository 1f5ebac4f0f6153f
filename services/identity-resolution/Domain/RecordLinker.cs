using System.Data;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Persistence;

namespace Platform.IdentityResolution.Domain;

/// <summary>
/// Links a staged record to a client: finds the client owning any of its identifiers (or creates one),
/// adds the identifiers nobody owns yet, records the link and bumps the version, in one transaction.
/// </summary>
/// <remarks>
/// Safe under at-least-once delivery and concurrent consumers without application locks: the unique
/// key on <c>client_records</c> makes a replay a no-op, the unique key on <c>client_identifiers</c> makes
/// the loser of a "same new identifier" race fail and retry (then it finds the winner's client), and
/// the row lock taken by the version bump serialises changes to one client.
/// </remarks>
internal sealed class RecordLinker(IdentityDbContext db, TimeProvider time, ILogger<RecordLinker> logger)
{
    public async Task<LinkOutcome> LinkAsync(RawRecordStaged message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.WorkspaceId);
        var key = new StagedRecordKey(message.WorkspaceId, message.Source, message.RawRecordId);
        var record = message.Record;

        if (await FindLinkedClientAsync(key, cancellationToken) is { } alreadyLinked)
        {
            logger.LogInformation(
                "Record {Source}/{RawRecordId} in workspace {WorkspaceId} is already linked to client {ClientId}; nothing to change",
                key.Source, key.RawRecordId, key.WorkspaceId, alreadyLinked.Id);
            return new LinkOutcome.Linked(alreadyLinked, WasAlreadyLinked: true);
        }

        var identifiers = IdentifierNormalizer.Normalize(record.Identifiers);
        if (identifiers.Count == 0)
        {
            await SkipAsync(key, record, SkipReasons.NoUsableIdentifier, cancellationToken);
            return new LinkOutcome.Skipped(SkipReasons.NoUsableIdentifier);
        }

        // Read committed on purpose: after waiting for another transaction's lock on the client, the
        // statements that follow must see what that transaction committed.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var now = time.GetUtcNow();
        var displayName = RecordNames.DisplayName(record);
        var email = identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.Email).Value;

        var owners = await FindOwnersAsync(key.WorkspaceId, identifiers, cancellationToken);
        Client client;
        if (owners.Count == 0)
        {
            client = Client.Create(key.WorkspaceId, ClientKinds.Person, now);
            client.FillGaps(displayName, email, now);
            db.Clients.Add(client);
        }
        else
        {
            var clientId = await ChooseClientAsync(key, owners, cancellationToken);
            client = await LockAndBumpVersionAsync(clientId, now, cancellationToken);
            client.FillGaps(displayName, email, now);
            // Another record may have added some of these identifiers while this one waited for the lock.
            owners = await FindOwnersAsync(key.WorkspaceId, identifiers, cancellationToken);
        }

        foreach (var identifier in identifiers.Where(i => !owners.ContainsKey(i)))
        {
            db.ClientIdentifiers.Add(ClientIdentifier.Create(client, identifier, key.Source, now));
        }
        db.ClientRecords.Add(ClientRecord.Create(client, key, RecordNames.EntityTypeName(record.EntityType), record.ExternalId, now));
        await db.SaveChangesAsync(cancellationToken);

        var snapshot = await LoadSnapshotAsync(client.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogDebug(
            "Linked record {Source}/{RawRecordId} in workspace {WorkspaceId} to client {ClientId} (version {Version})",
            key.Source, key.RawRecordId, key.WorkspaceId, snapshot.Id, snapshot.Version);
        return new LinkOutcome.Linked(snapshot, WasAlreadyLinked: false);
    }

    /// <summary>The client a record is already linked to, read in one snapshot; null for a new record.</summary>
    private async Task<ClientSnapshot?> FindLinkedClientAsync(StagedRecordKey key, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var clientId = await db.ClientRecords
            .Where(r => r.WorkspaceId == key.WorkspaceId && r.Source == key.Source && r.RawRecordId == key.RawRecordId)
            .Select(r => (Guid?)r.ClientId)
            .FirstOrDefaultAsync(cancellationToken);
        var snapshot = clientId is { } id ? await LoadSnapshotAsync(id, cancellationToken) : null;
        await transaction.CommitAsync(cancellationToken);
        return snapshot;
    }

    private async Task SkipAsync(StagedRecordKey key, CanonicalRecord record, string reason, CancellationToken cancellationToken)
    {
        var known = await db.SkippedRecords.AnyAsync(
            r => r.WorkspaceId == key.WorkspaceId && r.Source == key.Source && r.RawRecordId == key.RawRecordId,
            cancellationToken);
        if (!known)
        {
            db.SkippedRecords.Add(SkippedRecord.Create(
                key, RecordNames.EntityTypeName(record.EntityType), record.ExternalId, reason, time.GetUtcNow()));
            // A concurrent duplicate fails on the unique key here; its retry then finds this row.
            await db.SaveChangesAsync(cancellationToken);
        }
        logger.LogInformation(
            "Skipped record {Source}/{RawRecordId} ({ExternalId}) in workspace {WorkspaceId}: {Reason}",
            key.Source, key.RawRecordId, record.ExternalId, key.WorkspaceId, reason);
    }

    /// <summary>The client owning each of the identifiers that already has an owner in the workspace.</summary>
    private async Task<Dictionary<NormalizedIdentifier, Guid>> FindOwnersAsync(
        string workspaceId, IReadOnlyList<NormalizedIdentifier> identifiers, CancellationToken cancellationToken)
    {
        var kinds = identifiers.Select(i => i.Kind).Distinct().ToList();
        var values = identifiers.Select(i => i.Value).Distinct().ToList();
        var candidates = await db.ClientIdentifiers
            .AsNoTracking()
            .Where(i => i.WorkspaceId == workspaceId && kinds.Contains(i.Kind) && values.Contains(i.Value))
            .Select(i => new { i.Kind, i.Value, i.ClientId })
            .ToListAsync(cancellationToken);
        return candidates
            .Select(c => (Identifier: new NormalizedIdentifier(c.Kind, c.Value), c.ClientId))
            .Where(c => identifiers.Contains(c.Identifier))
            .ToDictionary(c => c.Identifier, c => c.ClientId);
    }

    private async Task<Guid> ChooseClientAsync(
        StagedRecordKey key, Dictionary<NormalizedIdentifier, Guid> owners, CancellationToken cancellationToken)
    {
        var clientIds = owners.Values.Distinct().ToList();
        if (clientIds.Count == 1)
        {
            return clientIds[0];
        }

        // Merging (or recording a conflict) is the next step of identity resolution; until then the
        // record joins the oldest client and the other clients stay as they are.
        var oldest = await db.Clients
            .AsNoTracking()
            .Where(c => clientIds.Contains(c.Id))
            .OrderBy(c => c.CreatedAt)
            .ThenBy(c => c.Id)
            .Select(c => c.Id)
            .FirstAsync(cancellationToken);
        logger.LogWarning(
            "Record {Source}/{RawRecordId} in workspace {WorkspaceId} has identifiers of {ClientCount} different clients ({ClientIds}); linking it to the oldest, {ClientId}, without merging",
            key.Source, key.RawRecordId, key.WorkspaceId, clientIds.Count, clientIds, oldest);
        return oldest;
    }

    /// <summary>
    /// Bumps the version in the database (so it only grows, whatever runs concurrently) and thereby takes
    /// the row lock that serialises every change to this client until the transaction ends.
    /// </summary>
    private async Task<Client> LockAndBumpVersionAsync(Guid clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await db.Clients
            .Where(c => c.Id == clientId)
            .ExecuteUpdateAsync(set => set
                .SetProperty(c => c.Version, c => c.Version + 1)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            throw new InvalidOperationException($"Client {clientId} disappeared while a record was being linked to it.");
        }
        return await db.Clients.SingleAsync(c => c.Id == clientId, cancellationToken);
    }

    private async Task<ClientSnapshot> LoadSnapshotAsync(Guid clientId, CancellationToken cancellationToken)
    {
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, cancellationToken);
        var identifiers = await db.ClientIdentifiers
            .AsNoTracking()
            .Where(i => i.ClientId == clientId)
            .Select(i => new { i.Kind, i.Value, i.FirstSeenAt, i.Id })
            .ToListAsync(cancellationToken);
        var recordCount = await db.ClientRecords.CountAsync(r => r.ClientId == clientId, cancellationToken);
        return new ClientSnapshot(
            client.Id,
            client.WorkspaceId,
            client.Kind,
            client.DisplayName,
            client.PrimaryEmail,
            client.PrimaryPhone,
            client.Version,
            identifiers
                .OrderBy(i => IdentifierNormalizer.Priority(i.Kind))
                .ThenBy(i => i.FirstSeenAt)
                .ThenBy(i => i.Id)
                .Select(i => new Identifier(i.Kind, i.Value))
                .ToList(),
            recordCount,
            client.UpdatedAt);
    }
}
