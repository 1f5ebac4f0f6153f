using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.Persistence.Migrations;

/// <summary>
/// LGPD: the suppression list (salted hashes of an erased person's identifiers, so the next sync or webhook does not
/// bring them back) and each workspace's salt; per-workspace retention of raw payloads. Raw SQL, outside the EF model.
/// </summary>
[DbContext(typeof(ConnectorDbContext))]
[Migration("20261203010000_PrivacySuppression")]
public partial class PrivacySuppression : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            create table if not exists privacy_salts (workspace_id text primary key, salt bytea not null);
            create table if not exists privacy_suppressions (
                workspace_id text not null,
                value_hash text not null,
                suppressed_at timestamptz not null default now(),
                primary key (workspace_id, value_hash));
            alter table raw_records add column if not exists payload_pruned_at timestamptz;
            create index if not exists ix_raw_records_received on raw_records (workspace_id, received_at) where payload_pruned_at is null;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            drop index if exists ix_raw_records_received;
            alter table raw_records drop column if exists payload_pruned_at;
            drop table if exists privacy_suppressions;
            drop table if exists privacy_salts;
            """);
    }
}
