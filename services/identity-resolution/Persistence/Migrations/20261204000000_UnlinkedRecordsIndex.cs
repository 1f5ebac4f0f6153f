using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.IdentityResolution.Persistence.Migrations;

/// <summary>
/// The (workspace, status, id) index of records serves only the list of records in no client (<c>status &lt;&gt; 'linked'</c>):
/// it now holds those records alone. It held an entry for every record (the largest of the table's indexes: 5.2 MB of
/// 15.5 at 60,000 records), written with each record and again when its status changed.
/// </summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261204000000_UnlinkedRecordsIndex")]
public partial class UnlinkedRecordsIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop index if exists ix_records_workspace_status;
        create index ix_records_workspace_status on records (workspace_id, status, id) where status <> 'linked';
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        drop index if exists ix_records_workspace_status;
        create index ix_records_workspace_status on records (workspace_id, status, id);
        """);
}
