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

    /// <summary>
    /// Who holds each value the request names: a client whose identifiers show it, or whose records carry it (a blocked
    /// value shows in no client's identifiers), as the person it is now (a merged-away client is its survivor; a dissolved
    /// one, whose records all left, is nobody now but still shows the values).
    /// </summary>
    private const string HoldersSql = """
        with given as (select * from unnest(@kinds, @values) as g (kind, value)),
        held as (
            select c.id, g.kind, g.value from clients c
            join lateral jsonb_array_elements(c.identifiers) e on true
            join given g on g.kind = e->>'kind' and g.value = e->>'value'
            where c.workspace_id = @w
            union
            select r.client_id, g.kind, g.value from identifier_values v
            join given g on g.kind = v.kind and g.value = v.value
            join record_identifiers ri on ri.value_id = v.id
            join records r on r.id = ri.record_id
            where v.workspace_id = @w and r.client_id is not null)
        select distinct coalesce(c.merged_into_id, c.id), h.kind, h.value, c.status = 'dissolved'
        from held h join clients c on c.id = h.id
        where c.status in ('active', 'merged', 'dissolved')
        """;

    /// <summary>The subject's clients (the people found, and the clients merged into them) and their identifiers.</summary>
    private const string ClientsSql = """
        select c.id, c.identifiers from clients c
        where c.workspace_id = @w and (c.id = any(@people) or c.merged_into_id = any(@people))
        """;

    /// <summary>The person as every service must look for them.</summary>
    public async Task<PrivacySubject> LookupAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        var given = subject.Identifiers
            .Select(i => IdentifierNormaliser.Normalise(new Identifier(i.Kind, i.Value)))
            .OfType<NormalisedIdentifier>().Distinct().ToList();
        var identifiers = new HashSet<SubjectIdentifier>(subject.Identifiers.Concat(given.Select(g => new SubjectIdentifier(g.Kind, g.Value))));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var holders = new List<(Guid Person, SubjectIdentifier Value)>();
        var dissolved = new List<(Guid Client, SubjectIdentifier Value)>();
        await using (var command = new NpgsqlCommand(HoldersSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", [.. given.Select(g => g.Kind)]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("values", [.. given.Select(g => g.Value)]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var held = (reader.GetGuid(0), new SubjectIdentifier(reader.GetString(1), reader.GetString(2)));
                (reader.GetBoolean(3) ? dissolved : holders).Add(held);
            }
        }
        var (people, othersValues) = Subject(holders);
        // A dissolved client showing a value of the subject's (and of nobody else's) is erased with them.
        people = [.. people, .. dissolved.Where(d => !othersValues.Contains(d.Value)).Select(d => d.Client).Distinct()];
        var clients = new List<Guid>();
        await using (var command = new NpgsqlCommand(ClientsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("people", [.. people]));
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
        // not looked for (every service would erase, and keep out, the other person's rows by it). A named value another
        // person holds too is left out as well (see Subject); a widened one stays only when the request named it.
        identifiers.ExceptWith(othersValues);
        identifiers.ExceptWith(subject.Identifiers.Where(i =>
            IdentifierNormaliser.Normalise(new Identifier(i.Kind, i.Value)) is { } n && othersValues.Contains(new SubjectIdentifier(n.Kind, n.Value))));
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

    /// <summary>
    /// The people the request names: those holding the values given. When they are several (a family phone), the subject
    /// is the one holding every value given that anyone holds (an email of hers and the family phone: her), and the named
    /// values the others hold too are not looked for; when no one holds them all (only the family phone, or an email of
    /// one and a CPF of another), the request does not say who the person is and nothing is erased or reported.
    /// </summary>
    internal static (IReadOnlyList<Guid> People, IReadOnlySet<SubjectIdentifier> OthersValues) Subject(
        IReadOnlyList<(Guid Person, SubjectIdentifier Value)> holders)
    {
        var byPerson = holders.GroupBy(h => h.Person).ToDictionary(g => g.Key, g => g.Select(h => h.Value).ToHashSet());
        if (byPerson.Count <= 1)
        {
            return ([.. byPerson.Keys], new HashSet<SubjectIdentifier>());
        }
        var held = holders.Select(h => h.Value).ToHashSet();
        var complete = byPerson.Where(p => p.Value.SetEquals(held)).Select(p => p.Key).ToList();
        if (complete.Count != 1)
        {
            var shared = held.Where(v => byPerson.Values.Count(values => values.Contains(v)) > 1).Select(v => v.Kind).Distinct().Order().ToList();
            throw new AmbiguousSubjectException(
                $"The identifiers given belong to {byPerson.Count} different clients " +
                (shared.Count > 0 ? $"(shared: {string.Join(", ", shared)}); " : "(each holds some of them, none all); ") +
                "name the person with an identifier only they hold (their email, CPF or document), or merge the clients first if they are one person.");
        }
        var person = complete[0];
        return ([person], byPerson.Where(p => p.Key != person).SelectMany(p => p.Value).ToHashSet());
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

/// <summary>A privacy request whose identifiers belong to several people; the message says what to name instead (no value in it).</summary>
internal sealed class AmbiguousSubjectException(string message) : Exception(message);
