using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class CsCustomerConfiguration : IEntityTypeConfiguration<CsCustomer>
{
    public void Configure(EntityTypeBuilder<CsCustomer> builder)
    {
        builder.ToTable("cs_customers", table =>
        {
            table.HasCheckConstraint("ck_cs_customers_status", "status in ('active', 'inactive')");
            table.HasCheckConstraint("ck_cs_customers_reason", "became_reason in ('won_deal', 'paid_purchase', 'source_tag')");
        });
        builder.HasKey(c => c.ClientId).HasName("pk_cs_customers");
        builder.Property(c => c.ClientId).HasColumnName("client_id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.Status).HasColumnName("status").IsRequired();
        builder.Property(c => c.BecameReason).HasColumnName("became_reason").IsRequired();
        builder.Property(c => c.BecameAt).HasColumnName("became_at");
        builder.Property(c => c.Tags).HasColumnName("tags").IsRequired();
        builder.Property(c => c.PlanoAtual).HasColumnName("plano_atual");
        builder.Property(c => c.SgtDadosExtras).HasColumnName("sgt_dados_extras").HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.SgtLastSyncAt).HasColumnName("sgt_last_sync_at");
        builder.Property(c => c.Empresa).HasColumnName("empresa");
        builder.Property(c => c.NotasCsm).HasColumnName("notas_csm");
        builder.Property(c => c.NotasCsmUpdatedAt).HasColumnName("notas_csm_updated_at");
        builder.Property(c => c.NotasCsmUpdatedBy).HasColumnName("notas_csm_updated_by");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.HasIndex(c => new { c.WorkspaceId, c.Status, c.BecameAt }).HasDatabaseName("ix_cs_customers_workspace_status");
        builder.HasIndex(c => c.Tags).HasMethod("gin").HasDatabaseName("ix_cs_customers_tags");
        builder.HasIndex(c => new { c.WorkspaceId, c.Empresa }).HasDatabaseName("ix_cs_customers_workspace_empresa");
    }
}
