namespace Platform.Contracts.Records;

/// <summary>
/// The one rule that orders versions of a record, for every service that keeps records: the later source update
/// wins, and between equal updates the later raw row (a record re-read after a change the source did not date, such
/// as a Stripe charge refunded). Compared at PostgreSQL's microsecond precision, so a replay equals the version
/// stored from it. Services comparing in SQL use <see cref="SqlIsNewer"/> and <see cref="SqlNewestFirst"/>.
/// </summary>
/// <param name="SourceUpdatedAt">When the source last changed the record (truncated to microseconds).</param>
/// <param name="RawRecordId">The connector's raw row the version was read from.</param>
public readonly record struct RecordVersion(DateTimeOffset SourceUpdatedAt, long RawRecordId) : IComparable<RecordVersion>
{
    /// <summary>The version of <paramref name="record"/> read from raw row <paramref name="rawRecordId"/>.</summary>
    public static RecordVersion Of(CanonicalRecord record, long rawRecordId)
    {
        ArgumentNullException.ThrowIfNull(record);
        return At(record.SourceUpdatedAt, rawRecordId);
    }

    /// <summary>A version from its two parts, the update time truncated to microseconds as PostgreSQL stores it.</summary>
    public static RecordVersion At(DateTimeOffset sourceUpdatedAt, long rawRecordId) =>
        new(sourceUpdatedAt.AddTicks(-(sourceUpdatedAt.Ticks % 10)), rawRecordId);

    /// <summary>Orders by update time, then raw row.</summary>
    public int CompareTo(RecordVersion other)
    {
        var byTime = SourceUpdatedAt.CompareTo(other.SourceUpdatedAt);
        return byTime != 0 ? byTime : RawRecordId.CompareTo(other.RawRecordId);
    }

    /// <summary>Whether this version replaces <paramref name="other"/>.</summary>
    public bool IsNewerThan(RecordVersion other) => CompareTo(other) > 0;

    /// <summary>
    /// SQL true when the row aliased <paramref name="candidate"/> holds a newer version than <paramref name="current"/>;
    /// both have the columns <c>source_updated_at</c> (timestamptz) and <c>raw_record_id</c>.
    /// </summary>
    public static string SqlIsNewer(string candidate, string current) =>
        $"({candidate}.source_updated_at, {candidate}.raw_record_id) > ({current}.source_updated_at, {current}.raw_record_id)";

    /// <summary>SQL <c>order by</c> terms putting the newest version of the rows aliased <paramref name="alias"/> first.</summary>
    public static string SqlNewestFirst(string? alias = null)
    {
        var prefix = alias is null ? "" : alias + ".";
        return $"{prefix}source_updated_at desc, {prefix}raw_record_id desc";
    }

    /// <summary>Less than <paramref name="right"/>.</summary>
    public static bool operator <(RecordVersion left, RecordVersion right) => left.CompareTo(right) < 0;

    /// <summary>Greater than <paramref name="right"/>.</summary>
    public static bool operator >(RecordVersion left, RecordVersion right) => left.CompareTo(right) > 0;

    /// <summary>Not greater than <paramref name="right"/>.</summary>
    public static bool operator <=(RecordVersion left, RecordVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Not less than <paramref name="right"/>.</summary>
    public static bool operator >=(RecordVersion left, RecordVersion right) => left.CompareTo(right) >= 0;
}
