using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class IdentifierValueConfiguration : IEntityTypeConfiguration<IdentifierValue>
{
    public void Configure(EntityTypeBuilder<IdentifierValue> builder)
    {
        builder.ToTable("identifier_values", table =>
            table.HasCheckConstraint("ck_identifier_values_blocked_reason", "blocked_reason in ('configured', 'detected', 'operator')"));
        builder.HasKey(v => v.Id).HasName("pk_identifier_values");

        builder.Property(v => v.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(v => v.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(v => v.Kind).HasColumnName("kind").IsRequired();
        builder.Property(v => v.Value).HasColumnName("value").IsRequired();
        builder.Property(v => v.BlockedReason).HasColumnName("blocked_reason");
        builder.Property(v => v.BlockedDetail).HasColumnName("blocked_detail");
        builder.Property(v => v.BlockedAt).HasColumnName("blocked_at");
        builder.Property(v => v.OperatorAllowed).HasColumnName("operator_allowed");

        builder.HasIndex(v => new { v.WorkspaceId, v.Kind, v.Value }).IsUnique().HasDatabaseName("ux_identifier_values_workspace_kind_value");
        builder.HasIndex(v => new { v.WorkspaceId, v.BlockedAt }).HasDatabaseName("ix_identifier_values_workspace_blocked")
            .HasFilter("blocked_reason is not null");
    }
}
