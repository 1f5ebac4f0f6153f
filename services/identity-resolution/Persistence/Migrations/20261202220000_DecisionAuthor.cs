using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Platform.IdentityResolution.Persistence.Migrations;

/// <summary>Operator decisions record who made them (the key name the gateway vouched for); older ones stay unknown.</summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261202220000_DecisionAuthor")]
internal sealed class DecisionAuthor : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "decided_by", schema: "identity-resolution", table: "operator_decisions", type: "text", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "decided_by", schema: "identity-resolution", table: "operator_decisions");
}
