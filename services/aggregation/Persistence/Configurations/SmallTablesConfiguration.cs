using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class KnownClientConfiguration : IEntityTypeConfiguration<KnownClient>
{
    public void Configure(EntityTypeBuilder<KnownClient> builder)
    {
        builder.ToTable("clients");
        builder.HasKey(c => c.ClientId).HasName("pk_clients");
        builder.Property(c => c.ClientId).HasColumnName("client_id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.DisplayName).HasColumnName("display_name");
        builder.Property(c => c.PrimaryEmail).HasColumnName("primary_email");
        builder.Property(c => c.PrimaryPhone).HasColumnName("primary_phone");
        builder.Property(c => c.Document).HasColumnName("document");
        builder.Property(c => c.Version).HasColumnName("version");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
    }
}

internal sealed class ClientMergeConfiguration : IEntityTypeConfiguration<ClientMerge>
{
    public void Configure(EntityTypeBuilder<ClientMerge> builder)
    {
        builder.ToTable("merged_clients");
        builder.HasKey(m => m.MergedClientId).HasName("pk_merged_clients");
        builder.Property(m => m.MergedClientId).HasColumnName("merged_client_id").ValueGeneratedNever();
        builder.Property(m => m.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(m => m.SurvivorClientId).HasColumnName("survivor_client_id");
        builder.Property(m => m.SurvivorVersion).HasColumnName("survivor_version");
        builder.Property(m => m.MergedAt).HasColumnName("merged_at");
        builder.HasIndex(m => m.SurvivorClientId).HasDatabaseName("ix_merged_clients_survivor");
    }
}

internal sealed class RecordMoveConfiguration : IEntityTypeConfiguration<RecordMove>
{
    public void Configure(EntityTypeBuilder<RecordMove> builder)
    {
        builder.ToTable("record_moves");
        builder.HasKey(m => new { m.WorkspaceId, m.Source, m.ExternalId, m.EntityType, m.FromClientId }).HasName("pk_record_moves");
        builder.Property(m => m.WorkspaceId).HasColumnName("workspace_id");
        builder.Property(m => m.Source).HasColumnName("source");
        builder.Property(m => m.EntityType).HasColumnName("entity_type");
        builder.Property(m => m.ExternalId).HasColumnName("external_id");
        builder.Property(m => m.FromClientId).HasColumnName("from_client_id");
        builder.Property(m => m.FromClientVersion).HasColumnName("from_client_version");
        builder.Property(m => m.ToClientId).HasColumnName("to_client_id");
        builder.Property(m => m.MovedAt).HasColumnName("moved_at");
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.HasKey(m => m.Id).HasName("pk_outbox");
        builder.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(m => m.BatchId).HasColumnName("batch_id");
        builder.Property(m => m.MessageType).HasColumnName("message_type").IsRequired();
        builder.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb").IsRequired();
        builder.Property(m => m.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(m => m.BatchId).HasDatabaseName("ix_outbox_batch");
        // No index on created_at: events live for one round trip; the relay's rare look for stale ones reads the few rows there are.
    }
}
