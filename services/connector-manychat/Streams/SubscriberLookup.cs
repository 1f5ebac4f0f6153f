using System.Globalization;
using System.Text.Json;
using Npgsql;
using Platform.Connectors.Backfill;
using Platform.Connectors.ManyChat.Api;
using Platform.Connectors.ManyChat.Mapping;
using Platform.Connectors.Staging;

namespace Platform.Connectors.ManyChat.Streams;

/// <summary>
/// ManyChat has no way to list subscribers, so the connector asks about the people it already knows: every client of
/// the workspace (as identity resolution announced them) in client-id order, a page at a time. A client with no known
/// subscriber is looked up by email, then by phone (<c>findBySystemField</c>, 50/s); a known one is refreshed (tags and
/// custom fields) by the same call when it has an email, otherwise by <c>getInfo</c> (10/s). The page's calls run
/// together under the per-endpoint limits, so 45,000 clients take about 15 minutes. The cursor is the last client id:
/// a crash resumes after the last committed page.
/// </summary>
public sealed class SubscriberLookup(NpgsqlDataSource dataSource, ManyChatClient manyChat, TimeProvider clock) : ISourceStreamReader
{
    public const string StreamName = "subscribers";
    public const int PageSize = 100;

    public string Name => StreamName;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var authorization = ManyChatClient.Token(context.WorkspaceId, context.Credentials);
        var after = cursor is null ? Guid.Empty : Guid.Parse(cursor, CultureInfo.InvariantCulture);
        var clients = new List<(Guid Id, string? Email, string? Phone, string? Subscriber)>();
        await using (var command = dataSource.CreateCommand("""
            select client_id, email, phone, subscriber_id from manychat_clients
            where workspace_id = @ws and client_id > @after and merged_into is null
              and (email is not null or phone is not null or subscriber_id is not null)
            order by client_id limit @limit
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("ws", context.WorkspaceId));
            command.Parameters.Add(new NpgsqlParameter<Guid>("after", after));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", PageSize));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                clients.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }
        var found = await Task.WhenAll(clients.Select(c => LookUpAsync(context.WorkspaceId, authorization, c.Email, c.Phone, c.Subscriber, cancellationToken)));
        var records = new List<StagedRecordInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var subscriber in found)
        {
            if (subscriber is { } s && seen.Add(s.GetProperty("id").ToString()))
            {
                records.Add(StagedRecordInput.Of(StreamName, s, ManyChatMapping.Map(s, clock.GetUtcNow())));
            }
        }
        var next = clients.Count == PageSize ? clients[^1].Id.ToString() : null;
        return new BackfillPage(records, next, clients.Count);
    }

    private async Task<JsonElement?> LookUpAsync(string workspace, string authorization, string? email, string? phone, string? subscriberId,
        CancellationToken cancellationToken)
    {
        if (email is not null && await manyChat.FindAsync(workspace, authorization, email, null, cancellationToken) is { } byEmail)
        {
            return byEmail;
        }
        if (subscriberId is not null)
        {
            return await manyChat.GetInfoAsync(workspace, authorization, subscriberId, cancellationToken);
        }
        return phone is not null ? await manyChat.FindAsync(workspace, authorization, null, phone, cancellationToken) : null;
    }
}
