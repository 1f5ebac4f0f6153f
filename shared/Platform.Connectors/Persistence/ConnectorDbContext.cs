using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Platform.Connectors.Persistence;

/// <summary>
/// The tables every connector owns. The model is schema-less on purpose: each connector's connection sets
/// <c>search_path</c> to its own schema (<c>connector-stripe</c>…), so one set of migrations serves every source.
/// </summary>
public sealed class ConnectorDbContext(DbContextOptions<ConnectorDbContext> options) : DbContext(options)
{
    public DbSet<RawRecordRow> RawRecords => Set<RawRecordRow>();
    public DbSet<WebhookEventRow> WebhookEvents => Set<WebhookEventRow>();
    public DbSet<SyncRunRow> SyncRuns => Set<SyncRunRow>();
    public DbSet<SyncCheckpointRow> SyncCheckpoints => Set<SyncCheckpointRow>();
    public DbSet<StreamWatermarkRow> StreamWatermarks => Set<StreamWatermarkRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new RawRecordRowConfiguration());
        modelBuilder.ApplyConfiguration(new WebhookEventRowConfiguration());
        modelBuilder.ApplyConfiguration(new SyncRunRowConfiguration());
        modelBuilder.ApplyConfiguration(new SyncCheckpointRowConfiguration());
        modelBuilder.ApplyConfiguration(new StreamWatermarkRowConfiguration());
    }
}

/// <summary>One version of one vendor record, kept exactly as it arrived, with its canonical mapping beside it.</summary>
public sealed class RawRecordRow
{
    public long Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Stream { get; set; }
    public required string EntityType { get; set; }
    public required string ExternalId { get; set; }
    public DateTimeOffset SourceUpdatedAt { get; set; }
    /// <summary>The vendor payload, byte for byte as text (jsonb would reorder keys).</summary>
    public required string Payload { get; set; }
    public required byte[] PayloadHash { get; set; }
    public required string Canonical { get; set; }
    public Guid? SyncRunId { get; set; }
    public Guid CorrelationId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Unify { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
}

/// <summary>A vendor webhook event id seen once: a redelivery is answered 200 without staging again.</summary>
public sealed class WebhookEventRow
{
    public required string WorkspaceId { get; set; }
    public required string EventId { get; set; }
    public required string EventType { get; set; }
    /// <summary>The request body exactly as received (the record payloads are slices of it).</summary>
    public required string Body { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public int RecordCount { get; set; }
}

internal sealed class RawRecordRowConfiguration : IEntityTypeConfiguration<RawRecordRow>
{
    public void Configure(EntityTypeBuilder<RawRecordRow> row)
    {
        row.ToTable("raw_records");
        row.HasKey(r => r.Id);
        row.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        row.Property(r => r.WorkspaceId).HasColumnName("workspace_id");
        row.Property(r => r.Stream).HasColumnName("stream");
        row.Property(r => r.EntityType).HasColumnName("entity_type");
        row.Property(r => r.ExternalId).HasColumnName("external_id");
        row.Property(r => r.SourceUpdatedAt).HasColumnName("source_updated_at");
        row.Property(r => r.Payload).HasColumnName("payload");
        row.Property(r => r.PayloadHash).HasColumnName("payload_hash");
        row.Property(r => r.Canonical).HasColumnName("canonical").HasColumnType("jsonb");
        row.Property(r => r.SyncRunId).HasColumnName("sync_run_id");
        row.Property(r => r.CorrelationId).HasColumnName("correlation_id");
        row.Property(r => r.ReceivedAt).HasColumnName("received_at");
        row.Property(r => r.Unify).HasColumnName("unify");
        row.Property(r => r.PublishedAt).HasColumnName("published_at");
        // An identical payload received twice is one row; a changed version is a new row.
        row.HasIndex(r => new { r.WorkspaceId, r.EntityType, r.ExternalId, r.PayloadHash }).IsUnique()
            .HasDatabaseName("ux_raw_records_version");
        // The relay's scan: unpublished rows in id order.
        row.HasIndex(r => r.Id).HasFilter("published_at is null").HasDatabaseName("ix_raw_records_unpublished");
    }
}

internal sealed class WebhookEventRowConfiguration : IEntityTypeConfiguration<WebhookEventRow>
{
    public void Configure(EntityTypeBuilder<WebhookEventRow> row)
    {
        row.ToTable("webhook_events");
        row.HasKey(e => new { e.WorkspaceId, e.EventId });
        row.Property(e => e.WorkspaceId).HasColumnName("workspace_id");
        row.Property(e => e.EventId).HasColumnName("event_id");
        row.Property(e => e.EventType).HasColumnName("event_type");
        row.Property(e => e.Body).HasColumnName("body");
        row.Property(e => e.ReceivedAt).HasColumnName("received_at");
        row.Property(e => e.RecordCount).HasColumnName("record_count");
    }
}
