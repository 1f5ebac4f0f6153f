using Microsoft.Extensions.Configuration;
using Platform.Connectors.Staging;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Backfill;

/// <summary>
/// One stream of a source (Stripe <c>customers</c>, Hotmart <c>sales</c>, Ploomes <c>deals</c>) read page by page.
/// The SDK's runner owns everything else: checkpoints, staging, progress, resume, watermarks, cancellation.
/// Register implementations with <c>ConnectorBuilder.AddStream&lt;T&gt;()</c>.
/// </summary>
public interface ISourceStreamReader
{
    /// <summary>Stream name, unique within the source (lower case, plural: <c>customers</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Reads the page at <paramref name="cursor"/> (null: the first page). The cursor is opaque to the runner:
    /// the stream encodes whatever it needs to resume (an id, a page token, a skip count, a date window), and
    /// the runner stores it in the same transaction as the page's rows.
    /// Throw <see cref="SourceException"/> subclasses for failures a person must act on.
    /// </summary>
    Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken);
}

/// <summary>What a stream needs to read a page.</summary>
/// <param name="WorkspaceId">The tenant.</param>
/// <param name="Credentials">The workspace's credentials section for this source (check <c>Exists()</c>).</param>
/// <param name="Mode">Full or incremental.</param>
/// <param name="Since">Lower bound on the source's updated-at (incremental: watermark minus overlap) or created date (range): inclusive; null = from the beginning.</param>
/// <param name="Until">Upper bound (date-range backfills), exclusive; null = up to now.</param>
public sealed record StreamReadContext(
    string WorkspaceId,
    IConfigurationSection Credentials,
    SyncMode Mode,
    DateTimeOffset? Since,
    DateTimeOffset? Until);

/// <summary>One page: the records read and where to continue.</summary>
/// <param name="Records">Records to stage (payload untouched + canonical mapping).</param>
/// <param name="NextCursor">Cursor of the next page; null when the stream is finished.</param>
/// <param name="Fetched">Records read from the source on this page (may exceed <c>Records.Count</c> when some are skipped).</param>
public sealed record BackfillPage(IReadOnlyList<StagedRecordInput> Records, string? NextCursor, int Fetched)
{
    /// <summary>A page with everything it read staged.</summary>
    public BackfillPage(IReadOnlyList<StagedRecordInput> records, string? nextCursor) : this(records, nextCursor, records.Count) { }
}

/// <summary>A source failure with a reason a person can act on; the run fails with it.</summary>
public class SourceException : Exception
{
    public SourceException(string errorCode, string reason, Exception? inner = null) : base(reason, inner) => ErrorCode = errorCode;
    public SourceException() : this("internal", "source error") { }
    public SourceException(string message) : this("internal", message) { }
    public SourceException(string message, Exception inner) : this("internal", message, inner) { }

    /// <summary><c>credentials_invalid</c>, <c>credentials_expired</c>, <c>credentials_missing</c>, <c>rate_limited</c>, <c>source_unavailable</c>, <c>bad_response</c>.</summary>
    public string ErrorCode { get; }
}
