using System.Text;
using Npgsql;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Connectors.Privacy;

/// <summary>
/// A connector's part of an LGPD request, the same for every connector (from the SDK): its raw records (by the
/// person's identifiers in the payload or the canonical mapping, and by the keys identity resolution linked to
/// them), webhook bodies (by the same values or the records' ids), and every other table of its schema (file import
/// rejections, lookups) swept by <see cref="SchemaSweep"/>. An erasure deletes them and puts the person's hashed
/// identifiers on the <see cref="SuppressionList"/>.
/// </summary>
public sealed class ConnectorPrivacyParticipant(SchemaSweep sweep, SuppressionList suppression, ConnectorDescriptor descriptor,
    NpgsqlDataSource dataSource) : IPrivacyParticipant
{
    public async Task<PrivacyPart> AccessAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return new PrivacyPart(descriptor.ServiceName,
            await sweep.FindAsync(subject, Condition(subject), null, p => Parameters(subject, p), cancellationToken));
    }

    public async Task<PrivacyPart> EraseAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        // Suppressed first: a page staged while the erasure runs is either swept below or kept out by the list.
        if (subject.Salt is { } salt && subject.SuppressionHashes.Count > 0)
        {
            await suppression.AddAsync(subject.WorkspaceId, Convert.FromBase64String(salt), subject.SuppressionHashes, cancellationToken);
        }
        var rows = await sweep.EraseAsync(subject, Condition(subject), null, p => Parameters(subject, p), cancellationToken);
        var rawIds = rows.Where(r => r.Table == "raw_records" && r.Key.TryGetProperty("id", out _)).Select(r => r.Key.GetProperty("id").GetInt64()).ToArray();
        if (rawIds.Length > 0)
        {
            await using var queues = dataSource.CreateBatch();
            queues.BatchCommands.Add(new NpgsqlBatchCommand("delete from raw_record_outbox where id = any(@ids)") { Parameters = { new NpgsqlParameter<long[]>("ids", rawIds) } });
            queues.BatchCommands.Add(new NpgsqlBatchCommand("delete from raw_record_deferred where workspace_id = @ws and id = any(@ids)")
            {
                Parameters = { new NpgsqlParameter<string>("ws", subject.WorkspaceId), new NpgsqlParameter<long[]>("ids", rawIds) },
            });
            await queues.ExecuteNonQueryAsync(cancellationToken);
        }
        return new PrivacyPart(descriptor.ServiceName, rows);
    }

    public Task LiftAsync(SuppressionLift lift, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lift);
        return suppression.LiftAsync(lift.WorkspaceId, lift.Hashes, cancellationToken);
    }

    private List<SubjectRecord> Own(PrivacySubject subject) =>
        subject.Records.Where(r => string.Equals(r.Source, descriptor.Source, StringComparison.OrdinalIgnoreCase)).ToList();

    private SchemaSweep.ExtraCondition Condition(PrivacySubject subject)
    {
        var own = Own(subject);
        return table => (table, own.Count) switch
        {
            (_, 0) => null,
            ("raw_records", _) => "(t.entity_type, t.external_id) in (select * from unnest(@types, @ids))",
            ("webhook_events", _) => "t.body ~ @idPattern",
            _ => null,
        };
    }

    private void Parameters(PrivacySubject subject, NpgsqlParameterCollection parameters)
    {
        var own = Own(subject);
        parameters.Add(new NpgsqlParameter<string[]>("types", [.. own.Select(r => r.EntityType)]));
        parameters.Add(new NpgsqlParameter<string[]>("ids", [.. own.Select(r => r.ExternalId)]));
        parameters.Add(new NpgsqlParameter<string>("idPattern", IdPattern(own)));
    }

    /// <summary>A record's id as a JSON value in a webhook body: <c>"ch_123"</c> or <c>"Id": 123</c>, never inside a longer value.</summary>
    private static string IdPattern(List<SubjectRecord> records)
    {
        if (records.Count == 0)
        {
            return "$^";
        }
        var ids = string.Join('|', records.Select(r => r.ExternalId).Distinct(StringComparer.Ordinal).Select(Escape));
        return $"(\"({ids})\")|(:[[:space:]]*({ids})[[:space:]]*[,}}\\]])";
    }

    private static string Escape(string literal)
    {
        var builder = new StringBuilder();
        foreach (var c in literal)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"[{(c is '\\' or ']' or '^' ? "\\" + c : c.ToString())}]");
        }
        return builder.ToString();
    }
}
