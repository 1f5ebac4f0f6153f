using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class WorkspaceSettingsConfiguration : IEntityTypeConfiguration<WorkspaceSettings>
{
    public void Configure(EntityTypeBuilder<WorkspaceSettings> builder)
    {
        builder.ToTable("workspace_settings");
        builder.HasKey(s => s.WorkspaceId).HasName("pk_workspace_settings");
        builder.Property(s => s.WorkspaceId).HasColumnName("workspace_id");
        builder.Property(s => s.Settings).HasColumnName("settings").HasColumnType("jsonb").IsRequired();
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at");
    }
}
