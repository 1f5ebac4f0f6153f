using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.Persistence.Migrations;

/// <summary>
/// Rows staged for a later "Unify all" wait in a narrow queue of ids (<c>raw_record_deferred</c>) instead of being marked
/// on raw_records: releasing them moves ids instead of rewriting every raw row (a kilobyte and five index entries each),
/// and the release goes a chunk a transaction (Staging.DeferredRecords). The rows still waiting move to the queue;
/// <c>released_at</c> and its partial index go. Raw SQL, outside the EF model.
/// </summary>
[DbContext(typeof(ConnectorDbContext))]
[Migration("20261203180000_DeferredQueue")]
public partial class DeferredQueue : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            create table if not exists raw_record_deferred (
                workspace_id text not null,
                id bigint not null,
                sync_run_id uuid,
                primary key (workspace_id, id));
            create index if not exists ix_raw_record_deferred_run on raw_record_deferred (sync_run_id, id) where sync_run_id is not null;
            insert into raw_record_deferred (workspace_id, id, sync_run_id)
            select workspace_id, id, sync_run_id from raw_records where unify = 'deferred' and released_at is null
            on conflict do nothing;
            drop index if exists ix_raw_records_deferred;
            alter table raw_records drop column if exists released_at;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            alter table raw_records add column if not exists released_at timestamptz;
            update raw_records r set released_at = r.received_at
            where r.unify = 'deferred' and not exists (select 1 from raw_record_deferred d where d.workspace_id = r.workspace_id and d.id = r.id);
            create index if not exists ix_raw_records_deferred on raw_records (workspace_id, id) where unify = 'deferred' and released_at is null;
            drop table if exists raw_record_deferred;
            """);
    }
}
