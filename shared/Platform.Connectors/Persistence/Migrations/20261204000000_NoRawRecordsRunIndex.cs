using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.Persistence.Migrations;

/// <summary>
/// raw_records' (workspace, sync run) index goes: no query reads raw rows by run since deferred rows wait in their own
/// queue (raw_record_deferred, which has its own run index), and every staged row paid an entry in it.
/// </summary>
[DbContext(typeof(ConnectorDbContext))]
[Migration("20261204000000_NoRawRecordsRunIndex")]
public partial class NoRawRecordsRunIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("drop index if exists ix_raw_records_run;");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("create index if not exists ix_raw_records_run on raw_records (workspace_id, sync_run_id);");
}
