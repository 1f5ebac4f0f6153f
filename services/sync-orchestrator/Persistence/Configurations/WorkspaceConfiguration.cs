using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Persistence.Configurations;

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.ToTable("workspaces");
        builder.HasKey(w => w.Id).HasName("pk_workspaces");
        builder.Property(w => w.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(w => w.Name).HasColumnName("name").IsRequired();
        builder.Property(w => w.CreatedAt).HasColumnName("created_at");
        builder.Property(w => w.UpdatedAt).HasColumnName("updated_at");
    }
}

internal sealed class SourceConnectionConfiguration : IEntityTypeConfiguration<SourceConnection>
{
    public void Configure(EntityTypeBuilder<SourceConnection> builder)
    {
        builder.ToTable("source_connections", table =>
            table.HasCheckConstraint("ck_source_connections_origin", "origin in ('api', 'environment')"));
        builder.HasKey(c => new { c.WorkspaceId, c.Source }).HasName("pk_source_connections");
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id");
        builder.Property(c => c.Source).HasColumnName("source");
        builder.Property(c => c.Settings).HasColumnName("settings").HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.ProtectedSecrets).HasColumnName("protected_secrets").IsRequired();
        builder.Property(c => c.SecretsSet).HasColumnName("secrets_set").IsRequired();
        builder.Property(c => c.Origin).HasColumnName("origin").IsRequired();
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).HasConstraintName("fk_source_connections_workspace")
            .OnDelete(DeleteBehavior.Cascade);
        // Connectors read every workspace of their source.
        builder.HasIndex(c => c.Source).HasDatabaseName("ix_source_connections_source");
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> builder)
    {
        builder.ToTable("data_protection_keys");
        builder.HasKey(k => k.Id).HasName("pk_data_protection_keys");
        builder.Property(k => k.Id).HasColumnName("id");
        builder.Property(k => k.FriendlyName).HasColumnName("friendly_name");
        builder.Property(k => k.Xml).HasColumnName("xml");
    }
}
