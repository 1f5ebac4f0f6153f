using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.Persistence.Migrations;

/// <summary>
/// SDK v2 sync (raw SQL; the EF model keeps only what EF needs to create the tables):
/// a run's failed attempts (bounded retries), a version is the payload and its canonical mapping (canonical_hash in
/// the version key), and the outbox as a narrow table of unpublished ids so publishing never rewrites raw_records.
/// </summary>
[DbContext(typeof(ConnectorDbContext))]
[Migration("20261202160000_SyncV2")]
public partial class SyncV2 : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            alter table sync_runs add column if not exists attempts integer not null default 0;

            alter table raw_records add column if not exists canonical_hash bytea;
            update raw_records set canonical_hash = sha256(convert_to((canonical - 'sourceUpdatedAt')::text, 'UTF8')) where canonical_hash is null;
            drop index if exists ux_raw_records_version;
            create unique index ux_raw_records_version on raw_records (workspace_id, entity_type, external_id, payload_hash, canonical_hash);

            create table if not exists raw_record_outbox (id bigint primary key);
            insert into raw_record_outbox (id)
            select id from raw_records where published_at is null and (unify = 'now' or released_at is not null)
            on conflict do nothing;
            drop index if exists ix_raw_records_unpublished;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            drop table if exists raw_record_outbox;
            drop index if exists ux_raw_records_version;
            create unique index ux_raw_records_version on raw_records (workspace_id, entity_type, external_id, payload_hash);
            alter table raw_records drop column if exists canonical_hash;
            alter table sync_runs drop column if exists attempts;
            create index if not exists ix_raw_records_unpublished on raw_records (id) where published_at is null;
            """);
    }
}
