using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Platform.IdentityResolution.Persistence.Migrations;

/// <summary>
/// Workspace recompute jobs (settings or blocked-list changes applied to every existing record). Read and written
/// with SQL only (Domain/Recompute), so the model snapshot does not change. At most one queued or running job per
/// workspace: the partial unique index is what makes starting one idempotent across instances.
/// </summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261203000000_RecomputeJobs")]
internal sealed class RecomputeJobs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            create table "identity-resolution".recompute_jobs (
                id uuid primary key,
                workspace_id text not null,
                state text not null,
                reason text not null,
                requested_by text,
                requested_at timestamptz not null,
                started_at timestamptz,
                finished_at timestamptz,
                components_total integer,
                components_done integer not null default 0,
                records_done integer not null default 0,
                resume_after bigint not null default 0,
                restart_requested boolean not null default false,
                lease_owner text,
                lease_until timestamptz,
                attempts integer not null default 0,
                error text
            );
            create unique index ux_recompute_jobs_active on "identity-resolution".recompute_jobs (workspace_id)
                where state in ('queued', 'running');
            create index ix_recompute_jobs_workspace on "identity-resolution".recompute_jobs (workspace_id, requested_at desc);
            """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""drop table "identity-resolution".recompute_jobs;""");
}
