namespace Platform.Aggregation.Persistence.Entities;

/// <summary>
/// An event written in the transaction that caused it (table <c>outbox</c>), published after the commit and then
/// deleted; the relay publishes what a crash left behind.
/// </summary>
internal sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid BatchId { get; set; }
    public string MessageType { get; set; } = "";
    public string Payload { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
}
