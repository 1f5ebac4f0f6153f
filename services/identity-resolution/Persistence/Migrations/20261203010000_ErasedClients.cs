using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.IdentityResolution.Persistence.Migrations;

/// <summary>A client erased under LGPD stays as a tombstone with status <c>erased</c> (its id still resolves, nothing personal is left).</summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261203010000_ErasedClients")]
public partial class ErasedClients : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        alter table clients drop constraint if exists ck_clients_status;
        alter table clients add constraint ck_clients_status check (status in ('active', 'merged', 'dissolved', 'erased'));
        """);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        alter table clients drop constraint if exists ck_clients_status;
        alter table clients add constraint ck_clients_status check (status in ('active', 'merged', 'dissolved'));
        """);
}
