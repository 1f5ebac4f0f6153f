using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> builder)
    {
        builder.ToTable("clients", table =>
        {
            table.HasCheckConstraint("ck_clients_kind", "kind in ('person', 'company')");
            table.HasCheckConstraint("ck_clients_status", "status in ('active', 'merged', 'dissolved')");
        });
        builder.HasKey(c => c.Id).HasName("pk_clients");

        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.Kind).HasColumnName("kind").IsRequired();
        builder.Property(c => c.Status).HasColumnName("status").IsRequired();
        builder.Property(c => c.MergedIntoId).HasColumnName("merged_into_id");
        builder.Property(c => c.DisplayName).HasColumnName("display_name");
        builder.Property(c => c.PrimaryEmail).HasColumnName("primary_email");
        builder.Property(c => c.PrimaryPhone).HasColumnName("primary_phone");
        builder.Property(c => c.Document).HasColumnName("document");
        builder.Property(c => c.Golden).HasColumnName("golden").HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.Identifiers).HasColumnName("identifiers").HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.RecordCount).HasColumnName("record_count");
        builder.Property(c => c.Version).HasColumnName("version");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");

        builder.HasIndex(c => new { c.WorkspaceId, c.Status, c.CreatedAt, c.Id }).HasDatabaseName("ix_clients_workspace_status_created");
    }
}
