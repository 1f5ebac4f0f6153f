using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Persistence;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> builder)
    {
        builder.ToTable("clients", table =>
            table.HasCheckConstraint("ck_clients_kind", "kind in ('person', 'company')"));
        builder.HasKey(c => c.Id).HasName("pk_clients");

        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.Kind).HasColumnName("kind").IsRequired();
        builder.Property(c => c.DisplayName).HasColumnName("display_name");
        builder.Property(c => c.PrimaryEmail).HasColumnName("primary_email");
        builder.Property(c => c.PrimaryPhone).HasColumnName("primary_phone");
        // A concurrency token as a second line of defence; the linker also locks the row before a change.
        builder.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");

        builder.HasIndex(c => new { c.WorkspaceId, c.CreatedAt, c.Id }).HasDatabaseName("ix_clients_workspace_created");

        builder.HasMany(c => c.Identifiers).WithOne().HasForeignKey(i => i.ClientId)
            .HasConstraintName("fk_client_identifiers_clients").OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Records).WithOne().HasForeignKey(r => r.ClientId)
            .HasConstraintName("fk_client_records_clients").OnDelete(DeleteBehavior.Restrict);
    }
}
