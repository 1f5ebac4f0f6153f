using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Persistence;

internal sealed class ClientIdentifierConfiguration : IEntityTypeConfiguration<ClientIdentifier>
{
    public void Configure(EntityTypeBuilder<ClientIdentifier> builder)
    {
        builder.ToTable("client_identifiers");
        builder.HasKey(i => i.Id).HasName("pk_client_identifiers");

        builder.Property(i => i.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(i => i.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(i => i.Kind).HasColumnName("kind").IsRequired();
        builder.Property(i => i.Value).HasColumnName("value").IsRequired();
        builder.Property(i => i.ClientId).HasColumnName("client_id");
        builder.Property(i => i.Source).HasColumnName("source").IsRequired();
        builder.Property(i => i.FirstSeenAt).HasColumnName("first_seen_at");

        // One owner per identifier in a workspace: concurrent records with the same new identifier
        // collide here, and the retry finds the client the winner created.
        builder.HasIndex(i => new { i.WorkspaceId, i.Kind, i.Value }).IsUnique()
            .HasDatabaseName("ux_client_identifiers_workspace_kind_value");
        builder.HasIndex(i => i.ClientId).HasDatabaseName("ix_client_identifiers_client");
    }
}
