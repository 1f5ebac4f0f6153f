using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.IdentityResolution.Persistence.Migrations;

/// <summary>
/// A batch's new records are inserted once the recompute has placed them, after their identifiers: resolution defers the
/// check that an identifier's record exists to the commit (<c>set constraints ... deferred</c>); everywhere else it stays
/// immediate, and the cascade of a deleted record stays immediate (PostgreSQL never defers referential actions).
/// </summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261203020000_DeferrableRecordIdentifiers")]
public partial class DeferrableRecordIdentifiers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(
        "alter table record_identifiers alter constraint fk_record_identifiers_records deferrable initially immediate;");

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(
        "alter table record_identifiers alter constraint fk_record_identifiers_records not deferrable;");
}
