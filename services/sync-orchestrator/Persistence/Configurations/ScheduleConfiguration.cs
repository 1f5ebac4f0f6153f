using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Persistence.Configurations;

internal sealed class ScheduleConfiguration : IEntityTypeConfiguration<Schedule>
{
    public void Configure(EntityTypeBuilder<Schedule> builder)
    {
        builder.ToTable("schedules", table =>
        {
            table.HasCheckConstraint("ck_schedules_mode", "mode in ('full', 'incremental')");
            table.HasCheckConstraint("ck_schedules_unify", "unify in ('now', 'deferred')");
        });
        builder.HasKey(s => s.Id).HasName("pk_schedules");

        builder.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(s => s.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(s => s.Source).HasColumnName("source").IsRequired();
        builder.Property(s => s.Cron).HasColumnName("cron").IsRequired();
        builder.Property(s => s.QuartzCron).HasColumnName("quartz_cron").IsRequired();
        builder.Property(s => s.TimeZone).HasColumnName("time_zone").IsRequired();
        builder.Property(s => s.Mode).HasColumnName("mode").IsRequired();
        builder.Property(s => s.Streams).HasColumnName("streams").HasColumnType("text[]").IsRequired();
        builder.Property(s => s.Unify).HasColumnName("unify").IsRequired();
        builder.Property(s => s.Enabled).HasColumnName("enabled");
        builder.Property(s => s.NextRunAt).HasColumnName("next_run_at");
        builder.Property(s => s.LastSlotAt).HasColumnName("last_slot_at");
        builder.Property(s => s.LastFiredAt).HasColumnName("last_fired_at");
        builder.Property(s => s.LastRunId).HasColumnName("last_run_id");
        builder.Property(s => s.LastOutcome).HasColumnName("last_outcome");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at");
        builder.Property(s => s.CreatedBy).HasColumnName("created_by");
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        builder.Property(s => s.UpdatedBy).HasColumnName("updated_by");

        // One schedule per workspace and source: a second POST is a 409 naming the first.
        builder.HasIndex(s => new { s.WorkspaceId, s.Source }).IsUnique().HasDatabaseName("ux_schedules_workspace_source");
        builder.HasIndex(s => s.NextRunAt).HasFilter("enabled").HasDatabaseName("ix_schedules_due");
    }
}

internal sealed class ScheduleFiringConfiguration : IEntityTypeConfiguration<ScheduleFiring>
{
    public void Configure(EntityTypeBuilder<ScheduleFiring> builder)
    {
        builder.ToTable("schedule_firings", table =>
            table.HasCheckConstraint("ck_schedule_firings_outcome", "outcome in ('started', 'skipped')"));
        builder.HasKey(f => f.Id).HasName("pk_schedule_firings");

        builder.Property(f => f.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(f => f.ScheduleId).HasColumnName("schedule_id");
        builder.Property(f => f.SlotAt).HasColumnName("slot_at");
        builder.Property(f => f.FiredAt).HasColumnName("fired_at");
        builder.Property(f => f.RunId).HasColumnName("run_id");
        builder.Property(f => f.Outcome).HasColumnName("outcome").IsRequired();
        builder.Property(f => f.Detail).HasColumnName("detail");

        builder.HasOne<Schedule>().WithMany().HasForeignKey(f => f.ScheduleId)
            .HasConstraintName("fk_schedule_firings_schedule").OnDelete(DeleteBehavior.Cascade);
        // At most one firing per slot, whichever orchestrator instance claimed it.
        builder.HasIndex(f => new { f.ScheduleId, f.SlotAt }).IsUnique().HasDatabaseName("ux_schedule_firings_slot");
    }
}
