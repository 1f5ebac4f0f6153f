using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Persistence.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("alerts", table =>
        {
            table.HasCheckConstraint("ck_alerts_kind", "kind in ('run_failed', 'run_stuck')");
            table.HasCheckConstraint("ck_alerts_webhook_status", "webhook_status in ('not_configured', 'pending', 'delivered', 'failed')");
        });
        builder.HasKey(a => a.Id).HasName("pk_alerts");

        builder.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(a => a.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(a => a.Source).HasColumnName("source").IsRequired();
        builder.Property(a => a.RunId).HasColumnName("run_id");
        builder.Property(a => a.Kind).HasColumnName("kind").IsRequired();
        builder.Property(a => a.Message).HasColumnName("message").IsRequired();
        builder.Property(a => a.CreatedAt).HasColumnName("created_at");
        builder.Property(a => a.WebhookStatus).HasColumnName("webhook_status").IsRequired();
        builder.Property(a => a.WebhookAttempts).HasColumnName("webhook_attempts");
        builder.Property(a => a.WebhookNextAttemptAt).HasColumnName("webhook_next_attempt_at");
        builder.Property(a => a.WebhookLastError).HasColumnName("webhook_last_error");
        builder.Property(a => a.WebhookDeliveredAt).HasColumnName("webhook_delivered_at");
        builder.Property(a => a.AcknowledgedAt).HasColumnName("acknowledged_at");
        builder.Property(a => a.AcknowledgedBy).HasColumnName("acknowledged_by");

        // Raised once: a redelivered SyncFailed or a second detector pass finds the alert already there.
        builder.HasIndex(a => new { a.RunId, a.Kind }).IsUnique().HasDatabaseName("ux_alerts_run_kind");
        builder.HasIndex(a => new { a.WorkspaceId, a.CreatedAt }).HasDatabaseName("ix_alerts_workspace_created");
        builder.HasIndex(a => a.WebhookNextAttemptAt).HasFilter("webhook_status = 'pending'").HasDatabaseName("ix_alerts_webhook_pending");
    }
}
