using System.Text.Json;
using Npgsql;
using Platform.Campaigns.Domain;
using Platform.Contracts.Aggregation;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Privacy;
using Platform.Contracts.Records;

namespace Platform.Campaigns.Persistence;

/// <summary>
/// The audience copy, kept from events: identity resolution's <see cref="ClientUpdated"/> (names, email, phone, ManyChat
/// id), <see cref="RecordLinked"/> (sources, tags, WhatsApp), aggregation's <see cref="CustomerSalesUpdated"/> and
/// <see cref="CustomerBecameClient"/>. Every write is idempotent (versions, upserts, set unions).
/// </summary>
internal sealed class AudienceStore(NpgsqlDataSource dataSource, CampaignsOptions options)
{
    /// <summary>Newest version wins; merged-away and erased clients are not stored.</summary>
    public async Task ApplyClientUpdatedAsync(ClientUpdated message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await IsGoneAsync(connection, message.WorkspaceId, message.ClientId, [
                (IdentifierKinds.Email, message.PrimaryEmail), (IdentifierKinds.Phone, message.PrimaryPhone)], cancellationToken))
        {
            return;
        }
        var manychat = message.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.ManychatSubscriberId)?.Value;
        await using var command = new NpgsqlCommand("""
            insert into audience_members (workspace_id, client_id, version, display_name, first_name, email, phone, manychat_subscriber_id)
            values (@w, @c, @v, @name, @first, @email, @phone, @manychat)
            on conflict (client_id) do update set
                version = excluded.version, display_name = excluded.display_name, first_name = excluded.first_name,
                email = excluded.email, phone = excluded.phone,
                manychat_subscriber_id = coalesce(excluded.manychat_subscriber_id, audience_members.manychat_subscriber_id)
            where audience_members.version < excluded.version
            """, connection);
        command.Parameters.AddWithValue("w", message.WorkspaceId);
        command.Parameters.AddWithValue("c", message.ClientId);
        command.Parameters.AddWithValue("v", message.Version);
        command.Parameters.AddWithValue("name", (object?)message.DisplayName ?? DBNull.Value);
        command.Parameters.AddWithValue("first", (object?)message.FirstName ?? DBNull.Value);
        command.Parameters.AddWithValue("email", (object?)Blank(message.PrimaryEmail)?.Trim().ToLowerInvariant() ?? DBNull.Value);
        command.Parameters.AddWithValue("phone", (object?)Blank(message.PrimaryPhone) ?? DBNull.Value);
        command.Parameters.AddWithValue("manychat", (object?)Blank(manychat) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Adds the record's source, tags and WhatsApp opt-in to its client; a client not seen yet gets the record's email and
    /// phone until its <see cref="ClientUpdated"/> (version 0 loses to any real version).
    /// </summary>
    public async Task ApplyRecordLinkedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RecordLinked message, CancellationToken cancellationToken)
    {
        var record = message.Record;
        var email = record.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.Email)?.Value;
        var phone = record.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.Phone)?.Value;
        if (await IsGoneAsync(connection, message.WorkspaceId, message.ClientId, [(IdentifierKinds.Email, email), (IdentifierKinds.Phone, phone)], cancellationToken))
        {
            return;
        }
        var whatsapp = record.Attributes.Any(a => a.Key.StartsWith("whatsapp", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(a.Value))
            || string.Equals(Attribute(record, "optin_whatsapp"), "true", StringComparison.OrdinalIgnoreCase);
        await using var command = new NpgsqlCommand("""
            insert into audience_members (workspace_id, client_id, version, email, phone, sources, tags, has_whatsapp)
            values (@w, @c, 0, @email, @phone, array[@source], @tags, @whatsapp)
            on conflict (client_id) do update set
                email = coalesce(audience_members.email, excluded.email),
                phone = coalesce(audience_members.phone, excluded.phone),
                sources = (select array_agg(distinct s order by s) from unnest(audience_members.sources || excluded.sources) s),
                tags = (select coalesce(array_agg(distinct t order by t), '{}') from unnest(audience_members.tags || excluded.tags) t),
                has_whatsapp = audience_members.has_whatsapp or excluded.has_whatsapp
            where not (audience_members.sources @> excluded.sources and audience_members.tags @> excluded.tags
                       and (audience_members.has_whatsapp or not excluded.has_whatsapp)
                       and (audience_members.email is not null or excluded.email is null))
            """, connection, transaction);
        command.Parameters.AddWithValue("w", message.WorkspaceId);
        command.Parameters.AddWithValue("c", message.ClientId);
        command.Parameters.AddWithValue("email", (object?)Blank(email)?.Trim().ToLowerInvariant() ?? DBNull.Value);
        command.Parameters.AddWithValue("phone", (object?)Blank(phone)?.Trim() ?? DBNull.Value);
        command.Parameters.AddWithValue("source", record.Source.ToLowerInvariant());
        command.Parameters.AddWithValue("tags", TagsOf(record));
        command.Parameters.AddWithValue("whatsapp", whatsapp);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The client's totals in one currency (zeros remove it from purchase facts).</summary>
    public async Task ApplySalesAsync(CustomerSalesUpdated message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await IsGoneAsync(connection, message.WorkspaceId, message.ClientId, [], cancellationToken))
        {
            return;
        }
        await using var command = new NpgsqlCommand("""
            insert into audience_sales (workspace_id, client_id, currency, total_sales, total_revenue, first_purchase_at, last_purchase_at)
            values (@w, @c, @currency, @sales, @revenue, @first, @last)
            on conflict (client_id, currency) do update set
                total_sales = excluded.total_sales, total_revenue = excluded.total_revenue,
                first_purchase_at = excluded.first_purchase_at, last_purchase_at = excluded.last_purchase_at, updated_at = now()
            """, connection);
        command.Parameters.AddWithValue("w", message.WorkspaceId);
        command.Parameters.AddWithValue("c", message.ClientId);
        command.Parameters.AddWithValue("currency", message.Currency.ToUpperInvariant());
        command.Parameters.AddWithValue("sales", message.TotalSales);
        command.Parameters.AddWithValue("revenue", message.TotalRevenue);
        command.Parameters.AddWithValue("first", (object?)message.FirstPurchaseAt?.ToUniversalTime() ?? DBNull.Value);
        command.Parameters.AddWithValue("last", (object?)message.LastPurchaseAt?.ToUniversalTime() ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the client a customer-success customer; true the first time (so the trigger fires once).</summary>
    public async Task<bool> ApplyBecameClientAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CustomerBecameClient message,
        CancellationToken cancellationToken)
    {
        if (await IsGoneAsync(connection, message.WorkspaceId, message.ClientId, [], cancellationToken))
        {
            return false;
        }
        await using var command = new NpgsqlCommand("""
            insert into audience_members (workspace_id, client_id, version, is_cs_customer, became_client_at)
            values (@w, @c, 0, true, @at)
            on conflict (client_id) do update set is_cs_customer = true, became_client_at = excluded.became_client_at
            where audience_members.became_client_at is null
            """, connection, transaction);
        command.Parameters.AddWithValue("w", message.WorkspaceId);
        command.Parameters.AddWithValue("c", message.ClientId);
        command.Parameters.AddWithValue("at", message.BecameAt.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The merged clients leave the audience (the survivor's own events bring its facts).</summary>
    public async Task ApplyMergedAsync(ClientsMerged message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    insert into merged_clients (client_id, survivor_client_id, workspace_id) select unnest(@merged), @survivor, @w
                    on conflict (client_id) do nothing
                    """),
                new NpgsqlBatchCommand("delete from audience_members where client_id = any(@merged)"),
                new NpgsqlBatchCommand("delete from audience_sales where client_id = any(@merged)"),
            },
        };
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("merged", message.MergedClientIds.Where(id => id != message.SurvivorClientId).ToArray());
            command.Parameters.AddWithValue("survivor", message.SurvivorClientId);
            command.Parameters.AddWithValue("w", message.WorkspaceId);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Forgets the person: their audience row and sales go, their recipients lose email and phone (and any not sent yet
    /// fail as erased), and the client id, email and phone stay only as salted hashes on the suppression list.
    /// </summary>
    public async Task ApplyErasedAsync(ClientErased message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var values = new List<(string Kind, string Value)> { ("client", message.ClientId.ToString()) };
        await using (var read = new NpgsqlCommand("select email, phone from audience_members where client_id = @c", connection, transaction))
        {
            read.Parameters.AddWithValue("c", message.ClientId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0)) { values.Add((IdentifierKinds.Email, reader.GetString(0))); }
                if (!reader.IsDBNull(1)) { values.Add((IdentifierKinds.Phone, reader.GetString(1))); }
            }
        }
        values.AddRange(message.Identifiers.Where(i => i.Kind is IdentifierKinds.Email or IdentifierKinds.Phone).Select(i => (i.Kind, i.Value)));
        var hashes = values.Select(v => Suppression.Hash(options.SuppressionSalt, message.WorkspaceId, v.Kind, v.Value)).Distinct().ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("insert into suppressions (workspace_id, value_hash, reason) select @w, unnest(@hashes), 'erased' on conflict do nothing"),
                new NpgsqlBatchCommand("delete from audience_members where client_id = @c"),
                new NpgsqlBatchCommand("delete from audience_sales where client_id = @c"),
                new NpgsqlBatchCommand("""
                    update campaign_recipients set email = null, phone = null,
                        status = case when status = 'pending' and attempted_at is null then 'failed' else status end,
                        failure_reason = case when status = 'pending' and attempted_at is null then 'erased under LGPD before delivery' else failure_reason end
                    where workspace_id = @w and customer_id = @c
                    """),
            },
        };
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("w", message.WorkspaceId);
            command.Parameters.AddWithValue("c", message.ClientId);
            command.Parameters.AddWithValue("hashes", hashes);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A merged-away client, or one whose id, email or phone is suppressed.</summary>
    private async Task<bool> IsGoneAsync(NpgsqlConnection connection, string workspaceId, Guid clientId,
        IEnumerable<(string Kind, string? Value)> identifiers, CancellationToken cancellationToken)
    {
        var hashes = identifiers.Where(i => !string.IsNullOrWhiteSpace(i.Value))
            .Select(i => Suppression.Hash(options.SuppressionSalt, workspaceId, i.Kind, i.Value!))
            .Append(Suppression.Hash(options.SuppressionSalt, workspaceId, "client", clientId.ToString()))
            .ToArray();
        await using var command = new NpgsqlCommand("""
            select exists (select 1 from merged_clients where client_id = @c)
                or exists (select 1 from suppressions where workspace_id = @w and value_hash = any(@hashes))
            """, connection);
        command.Parameters.AddWithValue("c", clientId);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("hashes", hashes);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? Attribute(CanonicalRecord record, string name) =>
        record.Attributes.TryGetValue(name, out var value) ? value : null;

    /// <summary>Tag names from <c>tags</c> (a JSON list, as Ploomes sends it, or a comma list) and SGT's <c>mautic_tags</c>.</summary>
    internal static string[] TagsOf(CanonicalRecord record)
    {
        static IEnumerable<string> ListOf(string? raw)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                return [];
            }
            var trimmed = raw.Trim();
            if (trimmed.StartsWith('['))
            {
                try
                {
                    using var doc = JsonDocument.Parse(trimmed);
                    return doc.RootElement.EnumerateArray()
                        .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.TryGetProperty("name", out var n) ? n.GetString() : null)
                        .OfType<string>().ToList();
                }
                catch (JsonException)
                {
                    return [trimmed];
                }
            }
            return trimmed.Split(',');
        }
        return ListOf(Attribute(record, "tags")).Concat(ListOf(Attribute(record, "mautic_tags")))
            .Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }
}
