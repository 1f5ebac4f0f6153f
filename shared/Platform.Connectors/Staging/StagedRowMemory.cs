using System.Collections.Concurrent;
using Platform.Contracts.Records;

namespace Platform.Connectors.Staging;

/// <summary>A row staged to unify now, as the relay publishes it.</summary>
public sealed record StagedRow(string WorkspaceId, Guid CorrelationId, Guid? SyncRunId, DateTimeOffset StagedAt, CanonicalRecord Record);

/// <summary>
/// The rows this process has just COPYed to unify now, by raw row id, for the relay to publish from memory instead of
/// reading each row's mapping back from PostgreSQL and deserializing it (the stager had it a moment before). Only a
/// shortcut: raw_record_outbox stays the truth of what must be published. A row staged by another replica, one whose
/// transaction rolled back (its entry ages out), or one left out when <see cref="RelayOptions.RowsInMemory"/> entries
/// are held is read from the database as before.
/// </summary>
public sealed class StagedRowMemory(RelayOptions options, TimeProvider clock)
{
    /// <summary>An entry not taken after this long names a row that was rolled back or is another relay's to publish.</summary>
    private static readonly TimeSpan Stale = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<long, (StagedRow Row, long Since)> _rows = new();
    private int _count;
    private long _fromMemory;
    private long _fromDatabase;

    /// <summary>Rows the relay published from memory since the process started.</summary>
    public long FromMemory => Interlocked.Read(ref _fromMemory);

    /// <summary>Rows the relay read back from the database since the process started.</summary>
    public long FromDatabase => Interlocked.Read(ref _fromDatabase);

    /// <summary>Keeps a row the current transaction COPYed; false when the memory is full (the relay then reads it back).</summary>
    public bool Offer(long id, StagedRow row)
    {
        if (options.RowsInMemory <= 0)
        {
            return false;
        }
        if (Volatile.Read(ref _count) >= options.RowsInMemory && !DropStale())
        {
            return false;
        }
        if (_rows.TryAdd(id, (row, clock.GetTimestamp())))
        {
            Interlocked.Increment(ref _count);
            return true;
        }
        return false;
    }

    /// <summary>Takes the row staged under <paramref name="id"/> if this process still holds it.</summary>
    public bool TryTake(long id, out StagedRow row)
    {
        if (_rows.TryRemove(id, out var entry))
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _fromMemory);
            row = entry.Row;
            return true;
        }
        row = null!;
        return false;
    }

    /// <summary>Counts rows the relay had to read back from the database.</summary>
    public void ReadBack(int rows) => Interlocked.Add(ref _fromDatabase, rows);

    /// <summary>Drops entries older than <see cref="Stale"/>; true if that freed room.</summary>
    private bool DropStale()
    {
        var dropped = false;
        foreach (var (id, entry) in _rows)
        {
            if (clock.GetElapsedTime(entry.Since) > Stale && _rows.TryRemove(id, out _))
            {
                Interlocked.Decrement(ref _count);
                dropped = true;
            }
        }
        return dropped;
    }
}
