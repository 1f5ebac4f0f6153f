using System.Text.Json;
using MassTransit;
using Npgsql;
using Platform.Contracts.Privacy;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.ServiceDefaults.Privacy;

namespace Platform.IdentityResolution.Privacy;

/// <summary>
/// Identity resolution's part of an LGPD request. It answers first who the person is (<see cref="LookupAsync"/>: the
/// clients holding the identifiers given, widened to every identifier and source record of those clients, less the
/// values another person's client holds too), so every
/// other service can find records that carry no email or phone of their own (a Stripe charge, a Ploomes deal). An
/// erasure deletes the records, identifier values, conflicts and decisions, tombstones the clients (status
/// <c>erased</c>, no personal field left) and publishes <see cref="ClientErased"/> for each; other people's records that
/// shared a linking value with theirs (a family phone) are recomputed, so the conflicts between them open.
/// </summary>
internal sealed class IdentityPrivacyParticipant(SchemaSweep sweep, NpgsqlDataSource dataSource, IBus bus, TimeProvider clock,
    IdentityResolver resolver) : IPrivacyParticipant
{
    private const string Service = "identity-resolution";
    private static readonly string[] NotSwept = ["clients", "identifier_values"];

    private const string ClientsSql = """
        with given as (select * from unnest(@kinds, @values) as g (kind, value)),
        direct as (
            select c.id from clients c
            where c.workspace_id = @w
              and exists (select 1 from jsonb_array_elements(c.identifiers) e join given g on g.kind = e->>'kind' and g.value = e->>'value')),
        through_records as (
            select distinct r.client_id as id from identifier_values v
            join given g on g.kind = v.kind and g.value = v.value
            join record_identifiers ri on ri.value_id = v.id
            join records r on r.id = ri.record_id
            where v.workspace_id = @w and r.client_id is not null),
        found as (select id from direct union select id from through_records)
        select c.id, c.identifiers from clients c
        where c.workspace_id = @w and (c.id in (select id from found) or c.merged_into_id in (select id from found))
        """;

    /// <summary>The person as every service must look for them.</summary>
    public async Task<PrivacySubject> LookupAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        var given = subject.Identifiers
            .Select(i => IdentifierNormaliser.Normalise(new Identifier(i.Kind, i.Value)))
            .OfType<NormalisedIdentifier>().Distinct().ToList();
        var identifiers = new HashSet<SubjectIdentifier>(subject.Identifiers.Concat(given.Select(g => new SubjectIdentifier(g.Kind, g.Value))));
        var clients = new List<Guid>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(ClientsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", [.. given.Select(g => g.Kind)]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("values", [.. given.Select(g => g.Value)]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                clients.Add(reader.GetGuid(0));
                foreach (var identifier in JsonDocument.Parse(reader.GetString(1)).RootElement.EnumerateArray())
                {
                    identifiers.Add(new SubjectIdentifier(identifier.GetProperty("kind").GetString()!, identifier.GetProperty("value").GetString()!));
                }
            }
        }
        var records = new List<SubjectRecord>();
        await using (var command = new NpgsqlCommand("""
            select distinct r.source, r.entity_type, r.external_id, v.kind, v.value
            from records r
            left join record_identifiers ri on ri.record_id = r.id
            left join identifier_values v on v.id = ri.value_id
            where r.workspace_id = @w and r.client_id = any(@clients)
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("clients", [.. clients]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new SubjectRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                if (!reader.IsDBNull(3))
                {
                    identifiers.Add(new SubjectIdentifier(reader.GetString(3), reader.GetString(4)));
                }
            }
        }
        // A value the person's records share with another person's client (a family phone) is that person's too: it is
        // not looked for (every service would erase, and keep out, the other person's rows by it) unless the request
        // named it.
        var named = subject.Identifiers.Concat(given.Select(g => new SubjectIdentifier(g.Kind, g.Value))).ToHashSet();
        var widened = identifiers.Where(i => !named.Contains(i)).ToList();
        if (widened.Count > 0 && clients.Count > 0)
        {
            await using var shared = new NpgsqlCommand("""
                select v.kind, v.value from identifier_values v
                join unnest(@kinds, @values) as x(kind, value) on x.kind = v.kind and x.value = v.value
                where v.workspace_id = @w
                  and exists (select 1 from record_identifiers ri join records r on r.id = ri.record_id
                              where ri.value_id = v.id and r.client_id is not null and r.client_id <> all(@clients))
                """, connection);
            shared.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            shared.Parameters.Add(new NpgsqlParameter<string[]>("kinds", [.. widened.Select(i => i.Kind)]));
            shared.Parameters.Add(new NpgsqlParameter<string[]>("values", [.. widened.Select(i => i.Value)]));
            shared.Parameters.Add(new NpgsqlParameter<Guid[]>("clients", [.. clients]));
            await using var reader = await shared.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                identifiers.Remove(new SubjectIdentifier(reader.GetString(0), reader.GetString(1)));
            }
        }
        return subject with { Identifiers = [.. identifiers], ClientIds = clients, Records = [.. records.Distinct()] };
    }

    public async Task<PrivacyPart> AccessAsync(PrivacySubject subject, CancellationToken cancellationToken) =>
        new(Service, await sweep.FindAsync(subject, null, null, null, cancellationToken));

    public async Task<PrivacyPart> EraseAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var neighbours = await OtherHoldersAsync(subject, cancellationToken);
        var rows = await sweep.EraseAsync(subject, null, NotSwept, null, cancellationToken);
        var pattern = PersonalDataPattern.For(subject) ?? "$^";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Values still used by someone else's records (a shared family phone) stay: they are that person's too.
        await using (var values = new NpgsqlCommand("""
            delete from identifier_values v
            where v.workspace_id = @w and v::text ~* @pattern and not exists (select 1 from record_identifiers ri where ri.value_id = v.id)
            returning v.id
            """, connection))
        {
            values.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            values.Parameters.Add(new NpgsqlParameter<string>("pattern", pattern));
            await using var reader = await values.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new HeldRow("identifier_values", JsonSerializer.SerializeToElement(new { id = reader.GetInt64(0) }), Action: "deleted"));
            }
        }
        var erased = new List<Guid>();
        await using (var tombstone = new NpgsqlCommand("""
            update clients c
            set status = 'erased', merged_into_id = null, display_name = null, primary_email = null, primary_phone = null, document = null,
                golden = '{}', identifiers = '[]', record_count = 0, version = c.version + 1, updated_at = @now
            where c.workspace_id = @w and (c.id = any(@clients) or c::text ~* @pattern)
            returning c.id
            """, connection))
        {
            tombstone.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            tombstone.Parameters.Add(new NpgsqlParameter<Guid[]>("clients", [.. subject.ClientIds]));
            tombstone.Parameters.Add(new NpgsqlParameter<string>("pattern", pattern));
            tombstone.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
            await using var reader = await tombstone.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                erased.Add(reader.GetGuid(0));
            }
        }
        var now = clock.GetUtcNow();
        var contractIdentifiers = subject.Identifiers.Select(i => new Identifier(i.Kind, i.Value)).ToList();
        foreach (var client in erased)
        {
            rows.Add(new HeldRow("clients", JsonSerializer.SerializeToElement(new { id = client }), Action: "tombstoned"));
            await bus.Publish(new ClientErased
            {
                WorkspaceId = subject.WorkspaceId,
                CorrelationId = subject.RequestId,
                ClientId = client,
                PrivacyRequestId = subject.RequestId,
                Identifiers = contractIdentifiers,
                ErasedAt = now,
            }, cancellationToken);
        }
        // Someone else's records that shared a linking value with the person's (a family phone): the person's record may
        // have been that value's first holder, whose refusals were the open conflicts; the rest now refuse each other.
        var events = await resolver.RecomputeAsync(subject.WorkspaceId, neighbours,
            "records they shared a value with were erased (LGPD)", subject.RequestId, cancellationToken);
        await Task.WhenAll(events.Select(e => bus.Publish(e, e.GetType(), cancellationToken)));
        return new PrivacyPart(Service, rows);
    }

    /// <summary>Records of other clients holding a linking value that the person's records hold too.</summary>
    private async Task<List<long>> OtherHoldersAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        var holders = new List<long>();
        if (subject.ClientIds.Count == 0)
        {
            return holders;
        }
        await using var command = dataSource.CreateCommand("""
            select distinct other.record_id
            from records r
            join record_identifiers ri on ri.record_id = r.id
            join identifier_values v on v.id = ri.value_id and v.blocked_reason is null
            join record_identifiers other on other.value_id = ri.value_id
            join records o on o.id = other.record_id
            where r.workspace_id = @w and r.client_id = any(@clients) and (o.client_id is null or o.client_id <> all(@clients))
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("clients", [.. subject.ClientIds]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            holders.Add(reader.GetInt64(0));
        }
        return holders;
    }

    public Task LiftAsync(SuppressionLift lift, CancellationToken cancellationToken) => Task.CompletedTask;
}
