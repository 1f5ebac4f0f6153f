using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Connectors.Persistence.Migrations;

/// <summary>
/// Records staged for a later "Unify all" and not yet released, indexed on their own: the deferred gauge, the status
/// endpoint and the release read them without scanning every staged row (a 400 ms sequential scan at 500,000 rows,
/// every sample). Raw SQL, outside the EF model.
/// </summary>
[DbContext(typeof(ConnectorDbContext))]
[Migration("20261203050000_DeferredIndex")]
public partial class DeferredIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            create index if not exists ix_raw_records_deferred on raw_records (workspace_id, id) where unify = 'deferred' and released_at is null;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("drop index if exists ix_raw_records_deferred;");
    }
}
