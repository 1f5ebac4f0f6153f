using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.ServiceDefaults;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Resolves the records of a sync run a relay published together (<see cref="RawRecordsStaged"/>): each joins the group
/// commits of <see cref="ResolutionBatcher"/> as a lone <see cref="RawRecordStaged"/> would, and what changed is
/// published after the commits: the links together (<see cref="RecordsLinked"/>), each changed client once, together
/// (<see cref="ClientsUpdated"/>); a transaction of several records has published its own already, coalesced the same
/// way (<see cref="ResolutionBatcher"/>), so what is left here is what records resolved alone changed. A record that
/// fails on its own (the batcher has retried it alone) goes back to the broker as a <see cref="RawRecordStaged"/> of its
/// own, so only it meets the retry policy and the <c>_error</c> queue, never the hundred records it came with.
/// </summary>
internal sealed class RawRecordsStagedConsumer(ResolutionBatcher batcher) : IConsumer<RawRecordsStaged>
{
    public async Task Consume(ConsumeContext<RawRecordsStaged> context)
    {
        var (results, failed) = await batcher.SubmitAllAsync(context.Message.Records, context.CancellationToken);
        var events = Coalesce(context.Message.WorkspaceId, results.SelectMany(r => r));
        await Task.WhenAll(events.Select(e => context.Publish(e, e.GetType(), context.CancellationToken)));
        await Task.WhenAll(failed.Select(r => context.Publish(r, c => c.CorrelationId = r.CorrelationId, context.CancellationToken)));
    }

    /// <summary>Most items in one <see cref="RecordsLinked"/> or <see cref="ClientsUpdated"/> (a recompute may move many records besides the message's own).</summary>
    internal const int ItemsPerMessage = 500;

    /// <summary>
    /// What the message's records changed, in as few messages as say it: the links in <see cref="RecordsLinked"/>s, each
    /// changed client once in <see cref="ClientsUpdated"/>s (its newest version: all are published after the same
    /// commits, and a subscriber ignores a version not above the one it holds), every other event as it is.
    /// </summary>
    internal static IReadOnlyList<object> Coalesce(string workspaceId, IEnumerable<object> events)
    {
        var links = new List<RecordLinked>();
        var clients = new Dictionary<Guid, ClientUpdated>();
        var others = new List<object>();
        foreach (var e in events)
        {
            switch (e)
            {
                case RecordLinked link:
                    links.Add(link);
                    break;
                case ClientUpdated client:
                    if (!clients.TryGetValue(client.ClientId, out var held) || held.Version < client.Version)
                    {
                        clients[client.ClientId] = client;
                    }
                    break;
                default:
                    others.Add(e);
                    break;
            }
        }
        others.AddRange(clients.Values.OrderBy(c => c.ClientId).Chunk(ItemsPerMessage).Select(chunk => new ClientsUpdated
        {
            WorkspaceId = workspaceId,
            CorrelationId = chunk[0].CorrelationId,
            Clients = chunk,
        }));
        others.AddRange(links.Chunk(ItemsPerMessage).Select(chunk => new RecordsLinked
        {
            WorkspaceId = workspaceId,
            CorrelationId = chunk[0].CorrelationId,
            Records = chunk,
        }));
        return others;
    }
}

/// <summary>
/// Endpoint settings for <see cref="RawRecordsStagedConsumer"/>: a few bulk messages at once (each holds up to a few
/// hundred records), enough for the batcher to fill its transactions.
/// </summary>
internal sealed class RawRecordsStagedConsumerDefinition(IdentityResolutionOptions options)
    : HeldMessagesDefinition<RawRecordsStagedConsumer>(options.ConcurrentBulkMessages);
